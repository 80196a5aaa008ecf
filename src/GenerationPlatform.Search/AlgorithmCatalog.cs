using System.Globalization;
using System.Reflection;
using GenerationPlatform.Search.Algorithms;

namespace GenerationPlatform.Search;

/// <summary>
/// The search algorithms by name, with their documented defaults, and with parameters when asked:
/// <c>paths</c>, or <c>paths(renoisings=3, t-start=0.8)</c>. A parameter is an option of the
/// algorithm's options record, named case-insensitively with or without dashes; values are numbers,
/// enum names, or lists <c>[0.2;0.4]</c>. Unknown names and bad values are errors naming the parameter.
/// </summary>
public static class AlgorithmCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["random", "zero-order", "paths", "particles", "pruned", "beam"];

    private static readonly Dictionary<string, (Type Options, Func<object?, ISearchAlgorithm> Create)> Algorithms = new(StringComparer.Ordinal)
    {
        ["random"] = (typeof(RandomSearchOptions), o => new RandomSearch((RandomSearchOptions?)o)),
        ["zero-order"] = (typeof(ZeroOrderOptions), o => new ZeroOrderSearch((ZeroOrderOptions?)o)),
        ["paths"] = (typeof(PathOptions), o => new PathSearch((PathOptions?)o)),
        ["particles"] = (typeof(ParticleOptions), o => new ParticleSearch((ParticleOptions?)o)),
        ["pruned"] = (typeof(PrunedOptions), o => new PrunedSearch((PrunedOptions?)o)),
        ["beam"] = (typeof(BeamOptions), o => new BeamSearch((BeamOptions?)o)),
    };

    /// <summary>The longest algorithm spec, parameters included.</summary>
    public const int MaxSpecLength = 256;

    /// <summary>
    /// The algorithm a spec names, with its parameters set and checked against their bounds; throws
    /// <see cref="SearchPlanException"/> naming what is wrong (the spec, or the parameter).
    /// </summary>
    public static ISearchAlgorithm Create(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Length > MaxSpecLength)
            throw new SearchPlanException(SearchPlanField.Algorithm, null, $"an algorithm spec has at most {MaxSpecLength} characters");
        var (name, parameters) = Parse(spec);
        if (!Algorithms.TryGetValue(name, out var entry))
            throw new SearchPlanException(SearchPlanField.Algorithm, null, $"unknown algorithm '{name}'; known: {string.Join(", ", Names)}");
        var algorithm = entry.Create(parameters.Count == 0 ? null : Bind(name, entry.Options, parameters));
        Checked(name, algorithm.Validate);
        return algorithm;
    }

    /// <summary>
    /// The algorithm a spec names and what it will do for <paramref name="request"/>: bounded,
    /// exact and cheap to compute. Throws <see cref="SearchPlanException"/> naming the field at fault.
    /// </summary>
    public static (ISearchAlgorithm Algorithm, SearchPlan Plan) Plan(string spec, SearchRequest request)
    {
        var algorithm = Create(spec);
        request.Validate();
        SearchPlan plan = null!;
        if (request.StopsEarly && !SearchRequest.StoppableAlgorithms.Contains(algorithm.Name))
            throw new SearchPlanException(request.TargetScore is not null ? SearchPlanField.TargetScore : SearchPlanField.Patience, null,
                $"an adaptive budget applies to {string.Join(" and ", SearchRequest.StoppableAlgorithms)}, whose rounds end with finished images; " +
                $"'{algorithm.Name}' finishes its images only at the end");
        Checked(algorithm.Name, () => plan = algorithm.Plan(request));
        algorithm = algorithm.ForRequest(request);
        if (plan.Nfe > request.BudgetNfe || plan.Nfe < 1 || plan.LargestCall > SearchLimits.MaxTrajectoriesPerCall
            || plan.ScoredImages > SearchLimits.MaxScoredImages || plan.Rounds > SearchLimits.MaxRounds)
            throw new InvalidOperationException($"'{algorithm.Name}' planned beyond its limits: {plan}");
        return (algorithm, plan);
    }

    /// <summary>Runs a check, turning a parameter's range error or an overflow into a <see cref="SearchPlanException"/>.</summary>
    private static void Checked(string algorithm, Action check)
    {
        try { check(); }
        catch (SearchPlanException) { throw; }
        catch (ArgumentException bad) when (bad.ParamName is { } parameter)
        {
            var kebab = Kebab(parameter);
            var why = bad.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal);
            int actual = why.IndexOf("\nActual value was", StringComparison.Ordinal);
            if (actual >= 0) why = why[..actual];
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, kebab, $"algorithm '{algorithm}': parameter '{kebab}' {why}", bad);
        }
        catch (OverflowException e)
        {
            throw new SearchPlanException(SearchPlanField.Algorithm, null, $"algorithm '{algorithm}': its parameters make a cost too large to count", e);
        }
    }

    /// <summary>
    /// The spec of an algorithm with its parameters as set: <c>paths(paths=4,renoisings=2,...)</c>, every parameter that
    /// has a value, in the options record's order; <see cref="Create"/> of it gives the same algorithm back.
    /// </summary>
    public static string SpecOf(ISearchAlgorithm algorithm)
    {
        var ctor = Constructor(algorithm.Options.GetType());
        var values = ctor.GetParameters()
            .Select(p => (Name: Kebab(p.Name!), Value: algorithm.Options.GetType().GetProperty(p.Name!)?.GetValue(algorithm.Options)))
            .Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Format(p.Value!)}")
            .ToArray();
        return values.Length == 0 ? algorithm.Name : $"{algorithm.Name}({string.Join(",", values)})";
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double[] list => "[" + string.Join(";", list.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]",
        Enum e => Kebab(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    /// <summary>The algorithm a spec names, without its parameters (<c>paths(renoisings=3)</c> -> <c>paths</c>).</summary>
    public static string NameOf(string spec) => Parse(spec).Name;

    /// <summary>An algorithm's parameters with their kinds, defaults and descriptions, for help texts, forms and listings.</summary>
    public static IReadOnlyList<AlgorithmParameter> Describe(string name)
    {
        if (!Algorithms.TryGetValue(name, out var entry)) return [];
        var defaults = Constructor(entry.Options).Invoke(Constructor(entry.Options).GetParameters().Select(p => p.DefaultValue).ToArray());
        return Constructor(entry.Options).GetParameters().Select(p =>
        {
            var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            var property = entry.Options.GetProperty(p.Name!)!;
            var value = property.GetValue(defaults);
            return new AlgorithmParameter(Kebab(p.Name!),
                type == typeof(int) ? "integer" : type == typeof(double) || type == typeof(float) ? "number" : type.IsEnum ? "choice" : "list",
                value is null ? "" : Format(value),
                type.IsEnum ? Enum.GetNames(type).Select(Kebab).ToArray() : [],
                property.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>()?.Description ?? "");
        }).ToArray();
    }

    private static (string Name, List<(string Key, string Value)> Parameters) Parse(string spec)
    {
        var s = spec.Trim();
        int open = s.IndexOf('(');
        if (open < 0) return (s.ToLowerInvariant(), []);
        if (!s.EndsWith(')')) throw new SearchPlanException(SearchPlanField.Algorithm, null, $"algorithm '{s[..open].Trim()}': parameters must end with ')'");
        var name = s[..open].Trim().ToLowerInvariant();
        var list = new List<(string, string)>();
        foreach (var part in s[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new SearchPlanException(SearchPlanField.Algorithm, null, $"algorithm '{name}': parameter '{part}' must be name=value");
            var key = part[..eq].Trim();
            if (list.Any(p => Normal(p.Item1) == Normal(key)))
                throw new SearchPlanException(SearchPlanField.AlgorithmParameter, key, $"algorithm '{name}': parameter '{key}' is given twice");
            list.Add((key, part[(eq + 1)..].Trim()));
        }
        return (name, list);
    }

    private static ConstructorInfo Constructor(Type options) => options.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

    private static object Bind(string algorithm, Type options, List<(string Key, string Value)> parameters)
    {
        var ctor = Constructor(options);
        var ps = ctor.GetParameters();
        var args = ps.Select(p => p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        foreach (var (key, value) in parameters)
        {
            int i = Array.FindIndex(ps, p => Normal(p.Name!) == Normal(key));
            if (i < 0)
                throw new SearchPlanException(SearchPlanField.Algorithm, null,
                    $"algorithm '{algorithm}' has no parameter '{key}'; it takes: {string.Join(", ", ps.Select(p => Kebab(p.Name!)))}");
            try { args[i] = Convert(value, ps[i].ParameterType); }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new SearchPlanException(SearchPlanField.AlgorithmParameter, Kebab(ps[i].Name!),
                    $"algorithm '{algorithm}': parameter '{Kebab(ps[i].Name!)}' cannot be '{value}' ({e.Message})", e);
            }
        }
        // The options record checks its own ranges when the algorithm validates (Create).
        return ctor.Invoke(args);
    }

    private static object? Convert(string value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(int)) return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (target == typeof(double)) return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (target == typeof(float)) return float.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (target.IsEnum)
        {
            var match = Enum.GetNames(target).FirstOrDefault(n => Normal(n) == Normal(value))
                ?? throw new ArgumentException($"expected one of {string.Join(", ", Enum.GetNames(target).Select(Kebab))}");
            return Enum.Parse(target, match);
        }
        if (target == typeof(double[]))
        {
            var inner = value.Trim().TrimStart('[').TrimEnd(']');
            return inner.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        }
        throw new ArgumentException($"parameters of type {target.Name} cannot be set");
    }

    private static string Normal(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
