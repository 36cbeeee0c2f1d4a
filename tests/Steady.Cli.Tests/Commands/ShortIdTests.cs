using Steady.Cli.Commands;

namespace Steady.Cli.Tests.Commands;

public sealed class ShortIdTests
{
    [Fact]
    public void AShortIdIsTheLastEightHexDigitsBecauseTheFirstAreTheTime()
    {
        var id = Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b");

        Assert.Equal("2e3f4a5b", ShortId.Of(id));
    }

    [Fact]
    public void IdsMadeInTheSameMinuteGetDifferentShortIds()
    {
        // UUIDv7 made one after another share their first characters, not their last.
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToList();

        var shorts = ShortId.For(ids);

        Assert.Equal(ids.Count, shorts.Values.Distinct().Count());
        Assert.All(shorts, pair => Assert.EndsWith(pair.Value, pair.Key.ToString("N"), StringComparison.Ordinal));
    }

    [Fact]
    public void TwoIdsWithTheSameEndingAreShownWithAsMuchMoreAsTellsThemApart()
    {
        var a = Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b");
        var b = Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c112e3f4a5b");
        var c = Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5c");

        var shorts = ShortId.For([a, b, c]);

        Assert.Equal("d2e3f4a5b", shorts[a]);
        Assert.Equal("12e3f4a5b", shorts[b]);
        Assert.Equal("2e3f4a5c", shorts[c]);
    }

    [Theory]
    [InlineData("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b")]
    [InlineData("0197A3B24C5D7E6F8A9B0C1D2E3F4A5B")]
    public void AFullIdIsTakenAsItIs(string typed)
    {
        var (full, part, error) = ShortId.Parse(typed);

        Assert.Equal(Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b"), full);
        Assert.Null(part);
        Assert.Null(error);
    }

    [Fact]
    public void PartOfAnIdIsTakenInLowerCaseWithoutDashes()
    {
        var (full, part, error) = ShortId.Parse("1D-2E3F4A5B");

        Assert.Null(full);
        Assert.Equal("1d2e3f4a5b", part);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("4a5b", "too short")]
    [InlineData("not-hex!", "is not an id")]
    [InlineData("", "is not an id")]
    public void SomethingThatCannotBeAnIdSaysWhy(string typed, string says)
    {
        var (_, _, error) = ShortId.Parse(typed);

        Assert.Contains(says, error, StringComparison.Ordinal);
    }

    [Fact]
    public void PickFindsTheOneIdWithWhatWasTypedOrSaysWhyNot()
    {
        var a = Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b");
        var b = Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c112e3f4a5b");

        Assert.Equal(a, ShortId.Pick([a, b], "d2e3f4a5b", "silence", "steady silence list"));
        // The first characters of a short id, as people shorten what they copy.
        Assert.Equal(b, ShortId.Pick([a, b], "0c112e", "silence", "steady silence list"));
        Assert.Equal("2 silences have ids with '2e3f4a5b' in them (d2e3f4a5b, 12e3f4a5b); give more of the id, or all of it",
            Assert.Throws<CliException>(() => ShortId.Pick([a, b], "2e3f4a5b", "silence", "steady silence list")).Message);
        // The start of a UUIDv7 is its time: shared, so refused rather than guessed.
        Assert.StartsWith("2 silences have ids with '0197a3b2' in them",
            Assert.Throws<CliException>(() => ShortId.Pick([a, b], "0197a3b2", "silence", "steady silence list")).Message, StringComparison.Ordinal);
        Assert.Equal("no silence has an id with 'ffffff' in it; see 'steady silence list'",
            Assert.Throws<CliException>(() => ShortId.Pick([a, b], "ffffff", "silence", "steady silence list")).Message);
    }
}
