using System.Globalization;
using System.Runtime.InteropServices;

namespace Exchange.Benchmark;

/// <summary>CPU time and memory of a process, read from Linux's /proc (null elsewhere or once it is gone).</summary>
public readonly record struct ProcessSample(TimeSpan Cpu, long RssBytes, long PeakRssBytes)
{
    private static readonly long TicksPerSecond = ClockTicks();

    public static ProcessSample? Read(int pid)
    {
        try
        {
            // /proc/<pid>/stat: fields after the ")" closing the command name; utime and stime are fields 14 and 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line);
                }
            }
            return new ProcessSample(TimeSpan.FromSeconds((double)ticks / TicksPerSecond), rss, hwm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static long ClockTicks()
    {
        try
        {
            var ticks = OperatingSystem.IsLinux() ? SysConf(2 /* _SC_CLK_TCK */) : 100;
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
