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

    [Fact]
    public void OnANarrowTerminalTheFreeTextColumnsGiveUpWidthWidestFirst()
    {
        var table = new Table("Id", "Summary", "Service", "Status").Limit(1, 60).Limit(2, 30)
            .Add("e90baf04", "edge-12: upstream connect errors on the proxy", "edge-proxy-frankfurt", "triggered");
        var wide = table.ToString();
        Table.Width = 60;
        try
        {
            var lines = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, line => Assert.True(line.Length <= 60, $"{line.Length} columns: {line}"));
            Assert.Equal("e90baf04  edge-12: upstream…  edge-proxy-frankfu…  triggered", lines[1]);
            Table.Width = 200;
            Assert.Equal(wide, table.ToString());
        }
        finally
        {
            Table.Width = null;
        }
    }

    [Fact]
    public void WhatCannotShrinkIsLeftWholeAndProseWrapsAtTheWidth()
    {
        var table = new Table("Id", "Status").Add("e90baf04e90baf04e90baf04", "acknowledged-by-someone");
        Table.Width = 40;
        try
        {
            Assert.Contains("e90baf04e90baf04e90baf04  acknowledged-by-someone", table.ToString(), StringComparison.Ordinal);
            Assert.Equal(["- DiskFilling on postgres-primary fired", "  55 times; 54 resolved by themselves."],
                Table.Wrap("- DiskFilling on postgres-primary fired 55 times; 54 resolved by themselves.", "  ").ToArray());
        }
        finally
        {
            Table.Width = null;
        }
        Assert.Single(Table.Wrap("- DiskFilling on postgres-primary fired 55 times; 54 resolved by themselves.", "  "));
    }
}
