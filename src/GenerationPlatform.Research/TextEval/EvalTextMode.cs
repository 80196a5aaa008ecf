namespace GenerationPlatform.Research.TextEval;

/// <summary>What eval-text does: run the benchmark, judge stored images again, or only redraw the report.</summary>
internal enum EvalTextMode
{
    Run,
    Regrade,
    ReportOnly,
}
