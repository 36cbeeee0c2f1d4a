using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.Reports;

/// <summary>/reports/noise: the noisiest sources as bars (transient alerts marked), the suggestions, pages per on-call shift, every source in a table.</summary>
public sealed class NoiseModel(NoiseReport report) : ReportPage
{
    public NoiseReportDto? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ResolveAsync(ownLoad: false))
            Report = await report.BuildAsync(Scope!, RequestAborted);
        return Page();
    }
}
