using System.Text;
using Spectre.Console;

namespace Exchange.Client.Tests.Support;

/// <summary>
/// A Spectre console that writes plain text (no colours, no escape codes) into memory, wide
/// enough that tables do not wrap, so tests can assert on what a user would read.
/// </summary>
public sealed class CapturedConsole
{
    private readonly LockedStringWriter writer = new();

    public CapturedConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        Console.Profile.Width = 240;
    }

    public IAnsiConsole Console { get; }

    public string Text => writer.ToString();

    /// <summary>Waits until the output contains <paramref name="expected"/>, for commands that run until cancelled.</summary>
    /// <param name="expected">The text to wait for.</param>
    /// <param name="from">Where in the output to look from, e.g. its length before a second run of a command.</param>
    /// <param name="timeout">The hang guard; 10 s unless given.</param>
    public async Task WaitForAsync(string expected, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!Text[from..].Contains(expected, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{expected}' never appeared in the output:\n{Text[from..]}");
            }
            await Task.Delay(20);
        }
    }

    // Commands that stream (watch) write from another thread while the test reads.
    private sealed class LockedStringWriter : TextWriter
    {
        private readonly StringBuilder text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (text)
            {
                text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (text)
            {
                text.Append(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (text)
            {
                text.Append(buffer, index, count);
            }
        }

        public override string ToString()
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }
}
