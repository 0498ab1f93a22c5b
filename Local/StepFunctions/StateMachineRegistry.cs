using Microsoft.Extensions.Logging;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Every state machine of the local Step Functions service: the host's own chat-turn machine, and those users create
/// through the API, each with its own <see cref="StepFunctionsEmulator"/> over the one execution store, so every
/// execution belongs to its machine's ARN. Created machines are kept in SQLite and come back after a restart.
/// </summary>
public sealed class StateMachineRegistry : IAsyncDisposable
{
    private readonly SqliteStateMachineStore _store;
    private readonly IReadOnlySet<string> _supportedResources;
    private readonly Func<StateMachineDescription, StateMachine, StepFunctionsEmulator> _createEmulator;
    private readonly TimeProvider _time;
    private readonly string _region;
    private readonly string _account;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _machines = new(StringComparer.Ordinal);

    /// <param name="builtIn">The host's own machine and its emulator, which the host disposes.</param>
    /// <param name="createEmulator">Makes the emulator of a created machine; the registry disposes it.</param>
    public StateMachineRegistry(
        (StateMachineDescription Description, StepFunctionsEmulator Emulator) builtIn,
        SqliteStateMachineStore store,
        IReadOnlySet<string> supportedResources,
        Func<StateMachineDescription, StateMachine, StepFunctionsEmulator> createEmulator,
        TimeProvider time,
        ILogger<StateMachineRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _supportedResources = supportedResources;
        _createEmulator = createEmulator;
        _time = time;
        var arn = builtIn.Description.StateMachineArn;
        _region = arn.Split(':')[3];
        _account = arn.Split(':')[4];
        _machines[arn] = new Entry(builtIn.Description with { IsBuiltIn = true }, builtIn.Emulator);

        foreach (var stored in store.ListAsync(CancellationToken.None).GetAwaiter().GetResult())
        {
            try
            {
                _machines[stored.StateMachineArn] = new Entry(stored, createEmulator(stored, Load(stored.Definition)));
            }
            catch (InvalidDefinitionException exception)
            {
                // A definition this build no longer runs must not keep the host, or the other machines, from starting.
                StepFunctionsLog.StoredStateMachineNotLoaded(logger, exception, stored.Name);
            }
        }
    }

    /// <summary>Resumes the executions every machine's previous emulator left RUNNING.</summary>
    public Task ResumeInterruptedExecutionsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Snapshot().Select(entry => entry.Emulator.ResumeInterruptedExecutionsAsync(cancellationToken)));

    /// <summary>CreateStateMachine: the same name, definition, role and type again returns the existing machine.</summary>
    /// <exception cref="StepFunctionsServiceException">
    /// InvalidName, InvalidDefinition, StateMachineAlreadyExists, ValidationException.
    /// </exception>
    public async Task<StateMachineDescription> CreateAsync(
        string name, string definition, string roleArn, string type, CancellationToken cancellationToken)
    {
        ExecutionRequestRules.ValidateName(name);
        if (type is not (StateMachineDescription.Standard or StateMachineDescription.Express))
            throw new StepFunctionsValidationException(
                $"1 validation error detected: Value '{type}' at 'type' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [STANDARD, EXPRESS]");
        var machine = Load(definition);
        var description = new StateMachineDescription(
            StateMachineArns.StateMachine(_region, _account, name), name, definition, roleArn, type, _time.GetUtcNow());

        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(description.StateMachineArn) is { } existing)
            {
                var held = existing.Description;
                return !held.IsBuiltIn && held.Definition == definition && held.RoleArn == roleArn && held.Type == type
                    ? existing.Description
                    : throw new StateMachineAlreadyExistsException($"State Machine Already Exists: '{description.StateMachineArn}'");
            }

            await _store.TryCreateAsync(description, cancellationToken).ConfigureAwait(false);
            var emulator = _createEmulator(description, machine);
            lock (_lock) _machines[description.StateMachineArn] = new Entry(description, emulator);
            return description;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>UpdateStateMachine: new executions use the new definition or role; running ones finish on the old.</summary>
    public async Task<DateTimeOffset> UpdateAsync(
        string stateMachineArn, string? definition, string? roleArn, CancellationToken cancellationToken)
    {
        if (definition is null && roleArn is null)
            throw new StepFunctionsValidationException("Either the definition or the roleArn must be specified.");
        var machine = definition is null ? null : Load(definition);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = Get(stateMachineArn);
            RefuseBuiltIn(entry, "updated");
            var updated = entry.Description with
            {
                Definition = definition ?? entry.Description.Definition,
                RoleArn = roleArn ?? entry.Description.RoleArn,
            };
            await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
            if (machine is not null) entry.Emulator.UseDefinition(machine);
            lock (_lock) _machines[stateMachineArn] = entry with { Description = updated };
            return _time.GetUtcNow();
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>DeleteStateMachine: running executions are stopped; deleting a machine that does not exist does nothing.</summary>
    public async Task DeleteAsync(string stateMachineArn, CancellationToken cancellationToken)
    {
        StateMachineArns.NameOf(stateMachineArn);
        Entry? entry;
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            entry = Find(stateMachineArn);
            if (entry is null) return;
            RefuseBuiltIn(entry, "deleted");
            await _store.DeleteAsync(stateMachineArn, cancellationToken).ConfigureAwait(false);
            lock (_lock) _machines.Remove(stateMachineArn);
        }
        finally
        {
            _changes.Release();
        }

        var running = await entry.Emulator.ListExecutionsAsync(
            StepFunctionsEmulator.MaxListResults, ExecutionStatus.Running, cancellationToken).ConfigureAwait(false);
        foreach (var execution in running)
        {
            await entry.Emulator.StopExecutionAsync(
                execution.Name, "States.Aborted", "The state machine was deleted.", cancellationToken).ConfigureAwait(false);
        }
        await entry.Emulator.DisposeAsync().ConfigureAwait(false);
    }

    /// <exception cref="StateMachineDoesNotExistException">No such machine.</exception>
    /// <exception cref="InvalidArnException">Not a state machine ARN.</exception>
    public StateMachineDescription Describe(string stateMachineArn) => Get(stateMachineArn).Description;

    /// <summary>The machine's emulator, which runs and reports its executions.</summary>
    public StepFunctionsEmulator EmulatorFor(string stateMachineArn) => Get(stateMachineArn).Emulator;

    /// <summary>Every machine, the host's own first, then the created ones oldest first.</summary>
    public IReadOnlyList<StateMachineDescription> List() =>
        [.. Snapshot()
            .Select(entry => entry.Description)
            .OrderBy(machine => !machine.IsBuiltIn)
            .ThenBy(machine => machine.CreationDate)
            .ThenBy(machine => machine.Name, StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in Snapshot().Where(entry => !entry.Description.IsBuiltIn))
            await entry.Emulator.DisposeAsync().ConfigureAwait(false);
        _changes.Dispose();
    }

    /// <exception cref="InvalidDefinitionException">The loader refuses the definition; its message says why.</exception>
    private StateMachine Load(string definition)
    {
        try
        {
            return StateMachine.Load(definition, new Dictionary<string, string>(), _supportedResources);
        }
        catch (AslLoadException exception)
        {
            throw new InvalidDefinitionException($"Invalid State Machine Definition: '{exception.Message}'");
        }
    }

    private static void RefuseBuiltIn(Entry entry, string action)
    {
        if (entry.Description.IsBuiltIn)
        {
            throw new StepFunctionsValidationException(
                $"{entry.Description.Name} is the host's own chat-turn state machine: it is defined by StateMachines/chat-turn.asl.json "
                + $"and cannot be {action} through the API.");
        }
    }

    private Entry Get(string stateMachineArn)
    {
        StateMachineArns.NameOf(stateMachineArn);
        return Find(stateMachineArn) ?? throw new StateMachineDoesNotExistException($"State Machine Does Not Exist: '{stateMachineArn}'");
    }

    private Entry? Find(string stateMachineArn)
    {
        lock (_lock) return _machines.GetValueOrDefault(stateMachineArn);
    }

    private Entry[] Snapshot()
    {
        lock (_lock) return [.. _machines.Values];
    }

    private sealed record Entry(StateMachineDescription Description, StepFunctionsEmulator Emulator);
}
