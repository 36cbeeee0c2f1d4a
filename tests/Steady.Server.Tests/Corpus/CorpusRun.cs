using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Steady.Server.Tests.Corpus;

/// <summary>One request of the corpus: what it is, and what the server must do with it.</summary>
internal sealed record CorpusCase(string What, string Method, string Path, byte[]? Body = null, string? ContentType = "application/json", Expect Expect = Expect.Answer, string? Names = null);

/// <summary>
/// Sends the corpus one request at a time and collects every broken promise: a 5xx, no answer within
/// <see cref="Patience"/>, a refused (4xx) request after which the database is not what it was, a request that
/// had to be refused and was not, or a refusal that does not name the field it was about.
/// </summary>
internal sealed class CorpusRun(DbFingerprint fingerprint)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private Dictionary<string, string>? _state;

    public List<string> Failures { get; } = [];

    public int Sent { get; private set; }

    public Dictionary<int, int> Statuses { get; } = [];

    /// <summary>Requests by kind (bad paths, query values, body fields, whole bodies, console pages, forms, YAML), and the time spent on each.</summary>
    public Dictionary<string, (int Count, TimeSpan Took)> Kinds { get; } = [];

    /// <summary>Time spent waiting for answers and reading the database, and the slowest requests.</summary>
    public TimeSpan Answering { get; private set; }

    public TimeSpan Fingerprinting { get; private set; }

    public List<(TimeSpan Took, string What)> Slowest { get; } = [];

    /// <summary>Anything done outside the corpus (arranging targets) may change the database: the next request takes a new fingerprint first.</summary>
    public void Moved() => _state = null;

    public async Task<(int Status, string Text)> SendAsync(HttpClient client, CorpusCase c)
    {
        var reading = Stopwatch.StartNew();
        _state ??= await fingerprint.MarkAsync();
        Fingerprinting += reading.Elapsed;
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(c.Path, UriKind.Relative));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        }
        Sent++;
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        string text;
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            response = await client.SendAsync(request, patience.Token);
            text = await response.Content.ReadAsStringAsync(patience.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Fail(c, $"no answer after {clock.Elapsed.TotalSeconds:0.0} s: {e.GetType().Name} {e.Message}");
            _state = null;
            return (0, "");
        }
        Answering += clock.Elapsed;
        var kind = c.What switch
        {
            var w when w.StartsWith("path ", StringComparison.Ordinal) => "paths",
            var w when w.StartsWith('?') => "queries",
            var w when w.StartsWith("$.", StringComparison.Ordinal) || w.StartsWith("$[", StringComparison.Ordinal) => "fields",
            var w when w.StartsWith("YAML", StringComparison.Ordinal) => "yaml",
            var w when w.StartsWith("form ", StringComparison.Ordinal) => "forms",
            var w when w.StartsWith("console", StringComparison.Ordinal) => "pages",
            _ => "bodies",
        };
        Kinds[kind] = (Kinds.GetValueOrDefault(kind).Count + 1, Kinds.GetValueOrDefault(kind).Took + clock.Elapsed);
        Slowest.Add((clock.Elapsed, $"{c.Method} {Cut(c.Path, 80)} [{c.What}]"));
        if (Slowest.Count > 40)
        {
            Slowest.Sort((a, b) => b.Took.CompareTo(a.Took));
            Slowest.RemoveRange(20, Slowest.Count - 20);
        }
        var status = (int)response.StatusCode;
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        if (status >= 500)
            Fail(c, $"{status}: {Cut(text)}");
        if (c.Expect == Expect.Refused && status is < 400 or >= 500)
            Fail(c, $"must be refused with a 4xx, got {status}: {Cut(text)}");
        if (status is >= 400 and < 500)
        {
            if (c.Names is not null && status == 400 && !Detail(text).Contains(c.Names, StringComparison.Ordinal))
                Fail(c, $"the refusal does not name {c.Names}: {Cut(text)}");
            reading.Restart();
            var after = await fingerprint.MarkAsync();
            Fingerprinting += reading.Elapsed;
            if (DbFingerprint.Diff(_state, after) is { Count: > 0 } changed)
                Fail(c, $"refused with {status} but changed {string.Join(", ", changed)}: {Cut(text)}");
            _state = after;
        }
        else
        {
            _state = null;
        }
        return (status, text);
    }

    private void Fail(CorpusCase c, string why) => Failures.Add($"{c.Method} {Cut(c.Path, 160)} [{c.What}]: {why}");

    private static string Detail(string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static string Cut(string text, int length = 300)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= length ? text : text[..length] + "…";
    }
}
