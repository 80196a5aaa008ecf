using System.Runtime.InteropServices;
using System.Text;

namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// The GPUs the CUDA driver (libcuda.so.1, the driver API, which every CUDA install and container toolkit provides) sees,
/// independently of libtorch: its version and each device's name, memory and compute capability. No driver: none.
/// </summary>
public static class CudaDevices
{
    private const string Driver = "libcuda.so.1";
    private const int ComputeMajor = 75, ComputeMinor = 76; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR

    /// <summary>The driver's CUDA version ("13.0") and its devices; (null, []) without a driver or when it fails to start.</summary>
    public static (string? DriverVersion, IReadOnlyList<CudaDevice> Devices) Query()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Driver, out _)) return (null, []);
        try
        {
            if (cuInit(0) != 0 || cuDriverGetVersion(out int version) != 0 || cuDeviceGetCount(out int count) != 0) return (null, []);
            var devices = new List<CudaDevice>();
            var name = new byte[256];
            for (int i = 0; i < count; i++)
            {
                if (cuDeviceGet(out int device, i) != 0 || cuDeviceGetName(name, name.Length, device) != 0) continue;
                cuDeviceTotalMem_v2(out nuint bytes, device);
                cuDeviceGetAttribute(out int major, ComputeMajor, device);
                cuDeviceGetAttribute(out int minor, ComputeMinor, device);
                int end = Array.IndexOf(name, (byte)0);
                devices.Add(new CudaDevice(i, Encoding.UTF8.GetString(name, 0, end < 0 ? name.Length : end), (long)bytes, $"{major}.{minor}"));
            }
            return ($"{version / 1000}.{version % 1000 / 10}", devices);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return (null, []); }
    }

    [DllImport(Driver)] private static extern int cuInit(uint flags);
    [DllImport(Driver)] private static extern int cuDriverGetVersion(out int version);
    [DllImport(Driver)] private static extern int cuDeviceGetCount(out int count);
    [DllImport(Driver)] private static extern int cuDeviceGet(out int device, int ordinal);
    [DllImport(Driver)] private static extern int cuDeviceGetName([Out] byte[] name, int length, int device);
    [DllImport(Driver)] private static extern int cuDeviceTotalMem_v2(out nuint bytes, int device);
    [DllImport(Driver)] private static extern int cuDeviceGetAttribute(out int value, int attribute, int device);
}
