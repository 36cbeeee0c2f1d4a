using System.Reflection;
using System.Text.RegularExpressions;

namespace Steady.Server.Tests;

/// <summary>
/// The server's folders have no cycles: shared plumbing (Infrastructure) and storage (Data) depend on
/// no feature, so any feature can use them (docs/architecture.md). Read from the source tree, so a
/// fully qualified name counts as much as a using.
/// </summary>
public sealed partial class FolderRulesTests
{
    [Theory]
    [InlineData("Infrastructure")]
    [InlineData("Data")]
    public void SharedFoldersNameNoFeature(string folder)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Steady.slnx")))
            root = root.Parent;
        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, "src", "Steady.Server", folder);
        var files = Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        var offending = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root.FullName, f), Line: i + 1, Text: line)))
            .Where(l => FeatureNamespace().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offending.Count == 0, $"{folder} must not depend on a feature:\n{string.Join("\n", offending)}");
    }

    /// <summary>What the text cannot see (a name shortened inside the namespace, a lambda's captures): no member of the compiled types uses a feature's type.</summary>
    [Theory]
    [InlineData("Steady.Server.Infrastructure")]
    [InlineData("Steady.Server.Data")]
    public void SharedTypesUseNoFeaturesType(string ns)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = typeof(Steady.Server.Data.SteadyDb).Assembly.GetTypes().Where(t => t.Namespace == ns || t.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(types);
        var offending = types.SelectMany(t =>
                new[] { t.BaseType }.Concat(t.GetInterfaces())
                    .Concat(t.GetFields(all).Select(f => f.FieldType))
                    .Concat(t.GetProperties(all).Select(p => p.PropertyType))
                    .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                    .Concat(t.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)))
                    .SelectMany(Expand)
                    .Where(used => used.Namespace?.StartsWith("Steady.Server.Features", StringComparison.Ordinal) == true)
                    .Select(used => $"{t.FullName} uses {used.FullName}"))
            .Distinct()
            .ToList();
        Assert.True(offending.Count == 0, $"{ns} must not depend on a feature:\n{string.Join("\n", offending)}");
    }

    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null)
            yield break;
        var element = type.HasElementType ? type.GetElementType()! : type;
        yield return element;
        if (element.IsGenericType)
        {
            foreach (var argument in element.GetGenericArguments().SelectMany(Expand))
                yield return argument;
        }
    }

    [Fact]
    public void TheRuleSeesAFeatureNamespace()
    {
        Assert.Matches(FeatureNamespace(), "using Steady.Server.Features.Accounts;");
        Assert.Matches(FeatureNamespace(), "var x = global::Steady.Server.Features.Paging.AckLinks.Nothing;");
        Assert.Matches(FeatureNamespace(), "using static Steady.Server.Features.Setup.Demo;");
        Assert.DoesNotMatch(FeatureNamespace(), "using Microsoft.AspNetCore.Http.Features;");
        Assert.DoesNotMatch(FeatureNamespace(), "context.Features.Get<IExceptionHandlerFeature>()");
    }

    [GeneratedRegex(@"\bSteady\.Server\.Features\b")]
    private static partial Regex FeatureNamespace();
}
