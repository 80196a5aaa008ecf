namespace GenerationPlatform.Research.Scaling;

/// <summary>
/// One metrics classifier's reference figures: FID of the 60 000 training images against the test set, FID of as many training
/// images as a generated set has (FID is biased upwards at small n: the fair reference at equal n), and its test accuracy.
/// </summary>
internal sealed record FidFloor(double Fid, double FidEqualN, double TestAccuracy);
