using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.Reports;

/// <summary>/reports: response times (MTTA, time to mitigate, MTTR) as weekly trend lines and tables by service, team and severity.</summary>
public sealed class ResponseModel(ReportWorker reports) : ReportPage
{
    public ResponseReportDto? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ResolveAsync(ownLoad: false))
            Report = await reports.ResponseAsync(Scope!, RequestAborted);
        return Page();
    }
}
