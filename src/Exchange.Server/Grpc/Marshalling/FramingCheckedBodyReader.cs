using System.Buffers;
using System.IO.Pipelines;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// The request body of a client-streaming or bidirectional call, passed through to grpc-dotnet
/// with each frame header checked as it arrives (<see cref="GrpcFraming"/>). A broken frame
/// throws its refusal out of the read, which reaches the service's read loop and from there the
/// error interceptor, like any refusal; the stream was already counted by the rate limiter.
/// </summary>
public sealed class FramingCheckedBodyReader(PipeReader inner, GrpcFraming framing) : PipeReader
{
    /// <summary>Body offset of the current buffer's start (bytes consumed so far).</summary>
    private long _consumed;

    /// <summary>Body offset of the next frame header not yet checked.</summary>
    private long _nextFrameAt;

    private ReadOnlySequence<byte> _lastBuffer;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        Check(await inner.ReadAsync(cancellationToken));

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }
        result = Check(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed)
    {
        _consumed += _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        inner.AdvanceTo(consumed);
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    private ReadResult Check(ReadResult result)
    {
        _lastBuffer = result.Buffer;
        var unexamined = result.Buffer.Slice(Math.Max(_nextFrameAt - _consumed, 0));
        var refusal = framing.CheckHeaders(unexamined, out var checkedUpTo, out _);
        _nextFrameAt += checkedUpTo;
        if (refusal is null && result.IsCompleted && _nextFrameAt != _consumed + result.Buffer.Length)
        {
            refusal = GrpcFraming.Truncated(_consumed + result.Buffer.Length - _nextFrameAt);
        }
        if (refusal is not null)
        {
            // Nothing more of this body is read: release what was handed out, then refuse.
            inner.AdvanceTo(result.Buffer.End);
            _lastBuffer = default;
            throw refusal;
        }
        return result;
    }
}
