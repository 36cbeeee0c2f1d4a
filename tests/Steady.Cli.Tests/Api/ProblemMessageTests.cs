using Steady.Cli.Api;

namespace Steady.Cli.Tests.Api;

public sealed class ProblemMessageTests
{
    private static string Describe(int status, string? body, string? tokenSource = "--token", string reason = "Reason") =>
        ProblemMessage.Describe(ApiProblem.FromResponse(status, reason, body, tokenSource));

    [Fact]
    public void ANotFoundProblemReadsAsItsDetail()
    {
        var message = Describe(404, """{"title":"Not found.","status":404,"detail":"Team 'nope' was not found."}""");

        Assert.Equal("Team 'nope' was not found.", message);
    }

    [Fact]
    public void AConflictReadsAsItsDetail()
    {
        var message = Describe(409, """{"title":"Conflict.","status":409,"detail":"A service named 'api' already exists."}""");

        Assert.Equal("A service named 'api' already exists.", message);
    }

    [Fact]
    public void AForbiddenProblemReadsAsItsDetail()
    {
        var message = Describe(403, """{"title":"Forbidden.","status":403,"detail":"Only admins of payments can add services to it."}""");

        Assert.Equal("Only admins of payments can add services to it.", message);
    }

    [Fact]
    public void AValidationProblemNamesTheFieldsThenWhatIsWrong()
    {
        var message = Describe(400, """
            {"title":"The request is not valid.","status":400,"detail":"'name' is required. 'runbookUrl' must be an absolute http or https URL.",
             "errors":{"name":["'name' is required."],"runbookUrl":["'runbookUrl' must be an absolute http or https URL."]}}
            """);

        Assert.Equal("invalid name, runbookUrl: 'name' is required. 'runbookUrl' must be an absolute http or https URL.", message);
    }

    [Fact]
    public void ABadRequestWithoutFieldsReadsAsItsDetail()
    {
        var message = Describe(400, """{"title":"The request body is not valid JSON for this endpoint.","status":400,"detail":"Bad JSON (at $.name)"}""");

        Assert.Equal("Bad JSON (at $.name)", message);
    }

    [Fact]
    public void ARefusedTokenSaysWhereTheTokenCameFromAndToLogIn()
    {
        var message = Describe(401, """{"title":"Authentication required.","status":401,"detail":"The API token is unknown, revoked or expired."}""", "STEADY_TOKEN");

        Assert.Equal("the server refused the token from STEADY_TOKEN (The API token is unknown, revoked or expired); run 'steady login'", message);
    }

    [Fact]
    public void AServerErrorSaysTheServerFailed()
    {
        var message = Describe(500, """{"title":"An unexpected error occurred.","status":500,"detail":"The server could not complete the request; the error has been logged."}""", reason: "Internal Server Error");

        Assert.Equal("the server failed (500 Internal Server Error): The server could not complete the request; the error has been logged.", message);
    }

    [Fact]
    public void ABodyThatIsNotAProblemDetailFallsBackToTheStatus()
    {
        var message = Describe(502, "<html><body>Bad gateway</body></html>", reason: "Bad Gateway");

        Assert.Equal("the server failed (502 Bad Gateway)", message);
    }

    [Fact]
    public void AnEmptyClientErrorSaysTheStatus()
    {
        Assert.Equal("the server answered 418 I'm a teapot", Describe(418, "", reason: "I'm a teapot"));
    }

    [Fact]
    public void ADetailSpreadOverLinesBecomesOneLine()
    {
        var message = Describe(409, """{"detail":"first line\n  second\tline\u001b[31m"}""");

        Assert.Equal("first line second line[31m", message);
    }
}
