namespace Steady.Core.Reports;

/// <summary>
/// A team's rates for on-call pay: an amount per hour on call, per interruption in off-hours and in sleep
/// hours (business-hour interruptions are paid as work), and multipliers for hours and interruptions on
/// weekends and on the team's holidays (a holiday on a weekend takes the holiday multiplier).
/// </summary>
public sealed record CompensationRates(
    string Currency,
    decimal OnCallHour,
    decimal OffHourInterruption,
    decimal SleepHourInterruption,
    decimal WeekendMultiplier = 1m,
    decimal HolidayMultiplier = 1m)
{
    public const decimal Max = 1_000_000m;

    /// <summary>What is wrong with the rates, by field (empty when they are fine).</summary>
    public IReadOnlyDictionary<string, string[]> Problems()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Currency) || Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
            errors["currency"] = ["'currency' must be a three-letter code such as EUR or USD."];
        void Check(string field, decimal value)
        {
            if (value < 0)
                errors[field] = [$"'{field}' must not be negative."];
            else if (value > Max)
                errors[field] = [$"'{field}' must be at most {Max:0}."];
            else if (decimal.Round(value, 4) != value)
                errors[field] = [$"'{field}' has at most four decimal places."];
        }
        Check("onCallHour", OnCallHour);
        Check("offHourInterruption", OffHourInterruption);
        Check("sleepHourInterruption", SleepHourInterruption);
        Check("weekendMultiplier", WeekendMultiplier);
        Check("holidayMultiplier", HolidayMultiplier);
        return errors;
    }

    public decimal MultiplierOn(DayKind day) => day switch
    {
        DayKind.Holiday => HolidayMultiplier,
        DayKind.Weekend => WeekendMultiplier,
        _ => 1m,
    };
}

/// <summary>An estimated amount, and what it is made of.</summary>
public sealed record CompensationAmount(decimal ForHours, decimal ForInterruptions)
{
    public decimal Total => ForHours + ForInterruptions;
}

/// <summary>The estimate: each on-call hour at the hourly rate times its day's multiplier, each off-hour and sleep-hour interruption at its rate times its day's multiplier; each part rounded to cents (half away from zero).</summary>
public static class Compensation
{
    public static CompensationAmount Estimate(CompensationRates rates, HoursByBand hours, IEnumerable<Interruption> interruptions)
    {
        var forHours = 0m;
        foreach (var day in Enum.GetValues<DayKind>())
            forHours += HoursByBand.Hours(hours.OnDay(day)) * rates.OnCallHour * rates.MultiplierOn(day);
        var forInterruptions = 0m;
        foreach (var i in interruptions)
        {
            var rate = i.Band switch
            {
                Band.Off => rates.OffHourInterruption,
                Band.Sleep => rates.SleepHourInterruption,
                _ => 0m,
            };
            forInterruptions += rate * rates.MultiplierOn(i.Day);
        }
        return new CompensationAmount(Round(forHours), Round(forInterruptions));
    }

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
