namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>The libtorch this process was told to use cannot be used: the message says which folder and what is wrong with it.</summary>
public sealed class LibTorchLoadException : Exception
{
    public LibTorchLoadException() { }

    public LibTorchLoadException(string message) : base(message) { }

    public LibTorchLoadException(string message, Exception inner) : base(message, inner) { }
}
