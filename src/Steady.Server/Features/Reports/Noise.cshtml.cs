using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.Reports;

/// <summary>/reports/noise: the noisiest sources as bars (transient alerts marked), the suggestions, pages per on-call shift, every source in a table.</summary>
public sealed class NoiseModel(ReportWorker reports) : ReportPage
{
    public NoiseReportDto? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ResolveAsync(ownLoad: false))
            Report = await reports.NoiseAsync(Scope!, RequestAborted);
        return Page();
    }
}
