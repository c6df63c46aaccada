using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Exchange.Server.Tests.Dashboard;

/// <summary>
/// A minimal Chrome DevTools Protocol client over one WebSocket (the browser endpoint, with
/// flattened sessions): sends {id, method, params, sessionId}, matches each answer by id, and
/// records every event for the test to inspect. Every call is bounded by <see cref="CallTimeout"/>.
/// </summary>
internal sealed class DevToolsClient : IAsyncDisposable
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<DevToolsEvent> _events = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _lastId;

    private DevToolsClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>One event: its method (e.g. "Runtime.exceptionThrown"), parameters and session.</summary>
    public sealed record DevToolsEvent(string Method, JsonElement Params, string? SessionId);

    public static async Task<DevToolsClient> ConnectAsync(Uri endpoint)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(CallTimeout);
        await socket.ConnectAsync(endpoint, timeout.Token);
        return new DevToolsClient(socket);
    }

    /// <summary>Calls <paramref name="method"/> and returns its result; a protocol error throws.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null, string? sessionId = null)
    {
        var id = Interlocked.Increment(ref _lastId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject
        {
            ["id"] = id,
            ["method"] = method,
            ["params"] = parameters is null ? new JsonObject() : JsonSerializer.SerializeToNode(parameters),
        };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        using (var timeout = new CancellationTokenSource(CallTimeout))
        {
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        try
        {
            return await answer.Task.WaitAsync(CallTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"DevTools did not answer {method} within {CallTimeout}.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>The events received so far (of one session when <paramref name="sessionId"/> is given).</summary>
    public IReadOnlyList<DevToolsEvent> Events(string? sessionId = null)
    {
        lock (_events)
        {
            return _events.Where(e => sessionId is null || e.SessionId == sessionId).ToList();
        }
    }

    public void ClearEvents()
    {
        lock (_events)
        {
            _events.Clear();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }
                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The browser went away or the client is being disposed.
        }
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The DevTools connection closed."));
        }
    }

    private void Dispatch(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var sessionId = root.TryGetProperty("sessionId", out var session) ? session.GetString() : null;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (!_pending.TryGetValue(idElement.GetInt32(), out var answer))
            {
                return;
            }
            if (root.TryGetProperty("error", out var error))
            {
                answer.TrySetException(new InvalidOperationException($"DevTools error: {error.GetRawText()}"));
            }
            else
            {
                answer.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
            }
            return;
        }
        if (root.TryGetProperty("method", out var method))
        {
            var parameters = root.TryGetProperty("params", out var p) ? p.Clone() : default;
            lock (_events)
            {
                _events.Add(new DevToolsEvent(method.GetString()!, parameters, sessionId));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The reader is stuck on a dead socket; the process ends it.
        }
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
