namespace Conduit.Local.Hosting;

/// <summary>Another host holds the data folder; an <see cref="IOException"/>, reported at start-up in one line.</summary>
public sealed class DataFolderInUseException : IOException
{
    public DataFolderInUseException()
    {
    }

    public DataFolderInUseException(string message)
        : base(message)
    {
    }

    public DataFolderInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DataFolderInUseException(string folder, string holder)
        : base($"the data folder {folder} is in use by another Conduit host ({holder}); stop that host or pass another --data-dir.")
    {
    }
}
