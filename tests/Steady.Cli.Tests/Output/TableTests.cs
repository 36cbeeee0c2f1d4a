using Steady.Cli.Output;

namespace Steady.Cli.Tests.Output;

public sealed class TableTests
{
    [Fact]
    public void ColumnsAreAlignedUnderAnUpperCaseHeader()
    {
        var table = new Table("Name", "Team", "Description")
            .Add("checkout-api", "payments", "Takes the money")
            .Add("web", "storefront", null);

        Assert.Equal(
            """
            NAME          TEAM        DESCRIPTION
            checkout-api  payments    Takes the money
            web           storefront

            """.ReplaceLineEndings("\n"),
            table.ToString());
    }

    [Fact]
    public void NoLineEndsInSpaces()
    {
        var table = new Table("A", "B").Add("long value", "").Add("x", "");

        Assert.All(table.ToString().Split('\n'), line => Assert.Equal(line.TrimEnd(), line));
    }

    [Fact]
    public void ATableWithoutRowsIsJustItsHeader()
    {
        Assert.Equal("ID  NAME\n", new Table("Id", "Name").ToString());
    }

    [Fact]
    public void ALimitedColumnIsCutWithAnEllipsis()
    {
        var table = new Table("Name", "Description").Limit(1, 10).Add("api", "A description far longer than ten");

        Assert.Equal("NAME  DESCRIPTION\napi   A descrip…\n", table.ToString());
    }

    [Fact]
    public void NewlinesAndEscapesInTheDataCannotBreakTheTable()
    {
        var table = new Table("Name", "Description").Add("evil\u001b[2J", "two\nlines");

        Assert.Equal("NAME      DESCRIPTION\nevil?[2J  two lines\n", table.ToString());
    }

    [Fact]
    public void ARowWithTheWrongNumberOfCellsIsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => new Table("A", "B").Add("only one"));
    }
}
