using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GenerationPlatform.Analyzers;

/// <summary>
/// GP0001: a line longer than the <c>max_line_length</c> that .editorconfig gives the file. One diagnostic per line, on
/// the line; nothing when the option is absent (or not a positive number). Length is counted in characters (UTF-16
/// code units), without the line break. Generated code is not analysed: neither files the compiler takes for generated
/// (<c>*.g.cs</c>, an <c>&lt;auto-generated&gt;</c> header) nor files under an <c>obj</c> folder (the protobuf and gRPC code).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LineLengthAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "GP0001";

    /// <summary>The .editorconfig option read, as the compiler hands it over (keys lower-cased).</summary>
    public const string MaxLineLengthOption = "max_line_length";

    private static readonly DiagnosticDescriptor Rule = new(
        DiagnosticId,
        title: "line longer than max_line_length",
        messageFormat: "Line is {0} characters long, longer than max_line_length ({1}) in .editorconfig",
        category: "Style",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Lines of C# stay within the max_line_length that .editorconfig sets; wrap the line by hand.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(AnalyzeTree);
    }

    private static void AnalyzeTree(SyntaxTreeAnalysisContext context)
    {
        var tree = context.Tree;
        if (IsUnderObjFolder(tree.FilePath))
            return;
        var options = context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        if (!options.TryGetValue(MaxLineLengthOption, out var value)
            || !int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var maxLength)
            || maxLength <= 0)
            return;

        var text = tree.GetText(context.CancellationToken);
        foreach (var line in text.Lines)
        {
            var length = line.Span.Length;
            if (length > maxLength)
            {
                var location = Location.Create(tree, line.Span);
                context.ReportDiagnostic(Diagnostic.Create(Rule, location, length, maxLength));
            }
        }
    }

    /// <summary>True when a folder of the path is named <c>obj</c> (MSBuild's intermediate output: generated code).</summary>
    internal static bool IsUnderObjFolder(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return false;
        var parts = path!.Split('/', '\\');
        // The last part is the file's own name.
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (string.Equals(parts[i], "obj", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
