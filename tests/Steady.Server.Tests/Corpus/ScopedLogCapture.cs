using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using System.Text;

namespace Steady.Server.Tests.Corpus;

/// <summary>
/// Every log line the server writes, with its level, its exception and every scope it was written in (ASP.NET puts
/// the request's path in a scope: a formatter with IncludeScopes would print it), as a console formatter would.
/// </summary>
internal sealed class ScopedLogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(ScopedLogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            capture._scopes.ForEachScope((scope, text) =>
            {
                text.Append(" => ").Append(scope);
                if (scope is IEnumerable<KeyValuePair<string, object?>> fields)
                {
                    foreach (var (name, value) in fields)
                        text.Append(' ').Append(name).Append('=').Append(value);
                }
            }, line);
            if (exception is not null)
                line.Append('\n').Append(exception);
            capture._lines.Enqueue((logLevel, line.ToString()));
        }
    }
}
