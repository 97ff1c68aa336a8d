namespace Hub.Host;

/// <summary>
/// The host cannot start (unreadable configuration, port in use …). Its message is the one line printed on stderr,
/// so it must say what is wrong and where without a stack trace.
/// </summary>
public sealed class HostStartupException(string message, Exception? inner = null) : Exception(message, inner);
