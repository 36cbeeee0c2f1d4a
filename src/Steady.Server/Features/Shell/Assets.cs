using System.Security.Cryptography;

namespace Steady.Server.Features.Shell;

/// <summary>
/// The console's few static files, embedded in the assembly so they are served the same whatever
/// the working directory. Each carries a content hash so browsers can cache it for good.
/// </summary>
public static class Assets
{
    private static readonly Dictionary<string, (byte[] Body, string ContentType, string Hash)> Files = Load();

    public static string Url(string name) => Files.TryGetValue(name, out var file) ? $"/{name}?v={file.Hash}" : $"/{name}";

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        foreach (var (name, file) in Files)
        {
            app.MapGet("/" + name, (HttpContext context) =>
            {
                var etag = $"\"{file.Hash}\"";
                context.Response.Headers.ETag = etag;
                context.Response.Headers.CacheControl = context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
                return context.Request.Headers.IfNoneMatch == etag
                    ? Results.StatusCode(StatusCodes.Status304NotModified)
                    : Results.Bytes(file.Body, file.ContentType);
            }).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }

    private static Dictionary<string, (byte[], string, string)> Load()
    {
        var assembly = typeof(Assets).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var body = buffer.ToArray();
            var name = resource["assets/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            files[name] = (body, type, Convert.ToHexStringLower(SHA256.HashData(body))[..12]);
        }
        return files;
    }
}
