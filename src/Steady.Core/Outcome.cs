namespace Steady.Core;

/// <summary>What went wrong with a request a user made, in words a user can act on.</summary>
public sealed record Failure(FailureKind Kind, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>For <see cref="FailureKind.TooManyRequests"/>: when to try again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>More for a program to act on, beside the words (e.g. the existing incident a refusal points to): extension members of the problem detail.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static Failure TooMany(string detail, TimeSpan retryAfter) => new(FailureKind.TooManyRequests, "Too many requests.", detail) { RetryAfter = retryAfter };

    public static Failure Invalid(string field, string message) =>
        new(FailureKind.Invalid, "The request is not valid.", message, new Dictionary<string, string[]> { [field] = [message] });

    public static Failure Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(FailureKind.Invalid, "The request is not valid.", string.Join(" ", errors.SelectMany(e => e.Value)), errors);

    public static Failure NotFound(string what) => new(FailureKind.NotFound, "Not found.", $"{what} was not found.");

    public static Failure Conflict(string detail) => new(FailureKind.Conflict, "Conflict.", detail);

    public static Failure Forbidden(string detail) => new(FailureKind.Forbidden, "Forbidden.", detail);
}

public enum FailureKind
{
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
    TooManyRequests,
}

/// <summary>The result of a command: a value, or the one reason it was refused.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    /// <summary>For values (such as interfaces) that implicit conversion cannot take.</summary>
    public static Outcome<T> From(T value) => new(value, null);
}
