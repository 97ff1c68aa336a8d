using System.Text;

namespace Hub.Integration.Tests.Host;

/// <summary>A TextWriter that the host writes to from its threads while the test reads it.</summary>
public sealed class CapturingWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text) _text.Append(value);
    }

    public override string ToString()
    {
        lock (_text) return _text.ToString();
    }
}
