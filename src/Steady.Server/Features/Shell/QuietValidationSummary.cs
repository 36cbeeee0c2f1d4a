using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Steady.Server.Features.Shell;

/// <summary>
/// A validation summary with nothing to say renders as its bare element: ASP.NET writes an empty
/// <c>&lt;li style="display:none"&gt;</c> into it for client-side validation, which the console does not use and
/// whose style attribute the pages' Content-Security-Policy refuses (<see cref="Infrastructure.SecurityHeaders"/>).
/// Runs after ASP.NET's own validation summary tag helper.
/// </summary>
[HtmlTargetElement("div", Attributes = "asp-validation-summary")]
public sealed class QuietValidationSummaryTagHelper : TagHelper
{
    public override int Order => 1000;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!output.Attributes.TryGetAttribute("class", out var css))
            return;
        using var text = new StringWriter();
        if (css.Value is Microsoft.AspNetCore.Html.IHtmlContent html)
            html.WriteTo(text, System.Text.Encodings.Web.HtmlEncoder.Default);
        else
            text.Write(css.Value);
        if (text.ToString().Contains("validation-summary-valid", StringComparison.Ordinal))
            output.PostContent.Clear();
    }
}
