namespace Steady.Core.Postmortems;

/// <summary>
/// One written section of a postmortem (the Google SRE / PagerDuty templates): its key as the API names
/// it, its title, what to write in it (the hint shown while it is empty), and where it is stored.
/// </summary>
public sealed record PostmortemSection(string Key, string Title, string Hint, Func<Postmortem, string?> Get, Action<Postmortem, string?> Set);

/// <summary>The sections in the order of the template, and which of them are not written yet.</summary>
public static class PostmortemSections
{
    public static readonly IReadOnlyList<PostmortemSection> All =
    [
        new("summary", "Summary",
            "Two or three sentences a reader outside the team understands: what users saw, for how long, and what ended it.",
            p => p.Summary, (p, v) => p.Summary = v),
        new("impact", "Impact",
            "Who was affected and how much, beyond the measured times: customers or users, failed requests or orders, support requests, money, data.",
            p => p.Impact, (p, v) => p.Impact = v),
        new("trigger", "Trigger",
            "What set it off: the change, the load, the expiry, the failure of a dependency — a condition of the system, not a person.",
            p => p.Trigger, (p, v) => p.Trigger = v),
        new("rootCause", "Root cause",
            "Why the trigger could hurt: the latent condition, understood well enough to prevent the same failure.",
            p => p.RootCause, (p, v) => p.RootCause = v),
        new("contributingFactors", "Contributing factors",
            "What made it worse or longer, including actions that made it worse: which assumptions failed, which safeguards were missing.",
            p => p.ContributingFactors, (p, v) => p.ContributingFactors = v),
        new("detection", "Detection",
            "How it was noticed (an alert, a customer, by chance), how long that took, and what would have shown it sooner.",
            p => p.Detection, (p, v) => p.Detection = v),
        new("resolution", "Resolution",
            "What stabilized it (the mitigation) and what fixes it for good (the lasting fix), and whether that is done.",
            p => p.Resolution, (p, v) => p.Resolution = v),
        new("wentWell", "What went well",
            "What helped: tools, runbooks, alerts, people's moves worth keeping.",
            p => p.WentWell, (p, v) => p.WentWell = v),
        new("wentWrong", "What went wrong",
            "Where the system, the tools or the process got in the way.",
            p => p.WentWrong, (p, v) => p.WentWrong = v),
        new("gotLucky", "Where we got lucky",
            "What kept it from being worse that cannot be counted on next time.",
            p => p.GotLucky, (p, v) => p.GotLucky = v),
    ];

    public static PostmortemSection? Find(string key) => All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The sections still empty, in template order.</summary>
    public static IReadOnlyList<PostmortemSection> Unfilled(Postmortem postmortem) =>
        All.Where(s => string.IsNullOrWhiteSpace(s.Get(postmortem))).ToList();
}
