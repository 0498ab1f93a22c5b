// Turns a DescribeExecution + GetExecutionHistory pair into what the trace view draws: one visit per state
// entered, each with its task attempts (retries), its outcome, its duration and where it went next.
// Pure: no DOM, no fetch, so node can run it.

import { parseJson, parseTime } from './format.js';

const STATE_ENTERED = 'StateEntered';
const STATE_EXITED = 'StateExited';
/** Task-like event families whose Scheduled → Started → Succeeded/Failed sequence is one attempt. */
const ATTEMPT_FAMILY =
  /^(Task|LambdaFunction|Activity)(Scheduled|Submitted|Started|Succeeded|Failed|StartFailed|ScheduleFailed|SubmitFailed|TimedOut)$/;
const CLOSING_TYPES = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);
/** The events after which a Parallel state's branches or a Map state's iterations record their own events. */
const OPENS_BRANCHES = new Set(['ParallelStateStarted', 'MapStateStarted']);
const CLOSES_BRANCHES = new Set([
  'ParallelStateSucceeded', 'ParallelStateFailed', 'ParallelStateAborted', 'MapStateSucceeded', 'MapStateFailed', 'MapStateAborted',
]);
const ITERATION_END = { MapIterationSucceeded: 'SUCCEEDED', MapIterationFailed: 'FAILED', MapIterationAborted: 'ABORTED' };

/** The event's "...EventDetails" object (stateEnteredEventDetails, taskFailedEventDetails, ...), or {}. */
export function eventDetails(event) {
  if (!event || typeof event !== 'object') return {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value;
  }
  return {};
}

/** The state type of a ...StateEntered/...StateExited event: "Task", "Choice", "Fail", ... */
function stateType(type, suffix) {
  return type.slice(0, -suffix.length) || 'State';
}

function newAttempt(number) {
  return {
    number,
    scheduled: null,
    started: null,
    ended: null,
    outcome: 'running', // succeeded | failed | timed-out | running | interrupted
    error: null,
    cause: null,
    resourceType: null,
    resource: null,
    parameters: null,
    output: null,
    timeoutInSeconds: null,
    events: [],
  };
}

function newVisit(event, index) {
  const details = eventDetails(event);
  return {
    index,
    name: typeof details.name === 'string' ? details.name : '(unnamed state)',
    type: stateType(event.type, STATE_ENTERED),
    entered: event,
    enteredAt: parseTime(event.timestamp),
    exited: null,
    exitedAt: null,
    endedAt: null,
    input: details.input,
    output: undefined,
    attempts: [],
    otherEvents: [],
    status: 'running', // succeeded | failed | running: the data-status hook
    outcome: 'running', // succeeded | caught | failed | timed-out | interrupted | running
    error: null,
    cause: null,
    next: null,
    nextVia: null, // "catch" when the state's task failed and a Catch chose the next state
    cutBy: null, // for an interrupted visit: "redrive" (the host stopped) or "next-state" (no exit was recorded)
  };
}

function applyAttemptEvent(visit, event, family, step) {
  const details = eventDetails(event);
  let attempt = visit.attempts.at(-1);
  if (step === 'Scheduled' || !attempt || attempt.ended) {
    attempt = newAttempt(visit.attempts.length + 1);
    visit.attempts.push(attempt);
  }
  attempt.events.push(event);
  attempt.family ??= family;
  if (typeof details.resourceType === 'string') attempt.resourceType = details.resourceType;
  if (typeof details.resource === 'string') attempt.resource = details.resource;
  if (step === 'Scheduled') {
    attempt.scheduled = event;
    attempt.parameters = details.parameters ?? details.input ?? null;
    if (details.timeoutInSeconds != null) attempt.timeoutInSeconds = details.timeoutInSeconds;
  } else if (step === 'Started') {
    attempt.started = event;
  } else if (step === 'Succeeded') {
    attempt.ended = event;
    attempt.outcome = 'succeeded';
    attempt.output = details.output ?? null;
  } else if (step !== 'Submitted') {
    attempt.ended = event;
    attempt.outcome = step === 'TimedOut' ? 'timed-out' : 'failed';
    attempt.error = details.error ?? (step === 'TimedOut' ? 'States.Timeout' : null);
    attempt.cause = details.cause ?? null;
  }
}

/** Closes a visit that never exited, at the time something else ended it. */
function cutShort(visit, at, outcome, cutBy) {
  visit.endedAt = at;
  visit.outcome = outcome;
  visit.cutBy = cutBy;
  for (const attempt of visit.attempts) {
    if (!attempt.ended) attempt.outcome = outcome === 'interrupted' ? 'interrupted' : attempt.outcome;
  }
}

function attemptTimes(attempt) {
  const start = parseTime((attempt.scheduled ?? attempt.started ?? attempt.events[0])?.timestamp);
  const end = attempt.ended ? parseTime(attempt.ended.timestamp) : null;
  return { start, end };
}

/**
 * Builds the trace of one execution.
 * @param {object} execution the DescribeExecution shape
 * @param {object[]} events the GetExecutionHistory events, any order
 * @param {number} now the current time in ms, for what is still running
 */
export function buildTrace(execution, events, now = Date.now()) {
  const exec = execution && typeof execution === 'object' ? execution : {};
  const sorted = (Array.isArray(events) ? events : [])
    .filter((event) => event && typeof event === 'object' && typeof event.type === 'string')
    .slice()
    .sort((a, b) => (Number(a.id) || 0) - (Number(b.id) || 0));
  const branchOf = branchesOf(sorted);
  const topLevel = sorted.filter((event) => !branchOf.has(event.id));

  const items = []; // { kind: 'state', visit } | { kind: 'redrive', event } | { kind: 'event', event }
  const visits = [];
  let current = null; // the visit whose events are being read
  let lastExited = null; // the visit that exited last and has no next state yet
  let started = null;
  let closing = null;
  const redrives = [];

  for (const event of topLevel) {
    const type = event.type;
    const at = parseTime(event.timestamp);

    if (type.endsWith(STATE_ENTERED)) {
      if (current && !current.exited && current.endedAt == null) cutShort(current, at, 'interrupted', 'next-state');
      const visit = newVisit(event, visits.length);
      visits.push(visit);
      items.push({ kind: 'state', visit });
      if (lastExited) {
        lastExited.next = visit.name;
        lastExited = null;
      }
      current = visit;
      continue;
    }

    if (type.endsWith(STATE_EXITED)) {
      const details = eventDetails(event);
      const visit = current && !current.exited && (details.name === undefined || details.name === current.name)
        ? current
        : [...visits].reverse().find((candidate) => !candidate.exited && candidate.name === details.name);
      if (visit) {
        visit.exited = event;
        visit.exitedAt = at;
        visit.endedAt = at;
        visit.output = details.output;
        lastExited = visit;
      } else {
        items.push({ kind: 'event', event });
      }
      continue;
    }

    const attemptMatch = ATTEMPT_FAMILY.exec(type);
    if (attemptMatch && current && !current.exited) {
      applyAttemptEvent(current, event, attemptMatch[1], attemptMatch[2]);
      continue;
    }

    if (type === 'ExecutionStarted') {
      started = event;
      continue;
    }

    if (type === 'ExecutionRedriven') {
      if (current && !current.exited && current.endedAt == null) cutShort(current, at, 'interrupted', 'redrive');
      redrives.push(event);
      items.push({ kind: 'redrive', event });
      current = null;
      continue;
    }

    if (CLOSING_TYPES.has(type)) {
      closing = event;
      continue;
    }

    if (current && !current.exited) current.otherEvents.push(event);
    else items.push({ kind: 'event', event });
  }

  const status = typeof exec.status === 'string' ? exec.status : closing ? closingStatus(closing.type) : 'RUNNING';
  const startAt = parseTime(exec.startDate) ?? parseTime(started?.timestamp) ?? visits[0]?.enteredAt ?? null;
  const stopAt = parseTime(exec.stopDate) ?? parseTime(closing?.timestamp);
  const running = status === 'RUNNING' || status === 'PENDING_REDRIVE';
  const closingDetails = closing ? eventDetails(closing) : {};
  const executionError = exec.error ?? closingDetails.error ?? null;
  const executionCause = exec.cause ?? closingDetails.cause ?? null;

  for (const visit of visits) settle(visit, {
    running, stopAt, now, status, executionError, executionCause, lastVisit: visit === visits.at(-1),
  });

  const endAt = running ? Math.max(now, stopAt ?? 0) : stopAt ?? latestTime(sorted) ?? now;
  const stateOf = stateOfEvent(items);
  for (const visit of visits) {
    visit.branches = branchTraces(visit, sorted, branchOf, status, now);
    for (const branch of visit.branches) for (const [id, name] of branch.trace.stateOfEvent) stateOf.set(id, name);
  }
  return {
    name: exec.name ?? null,
    status,
    running,
    startAt,
    stopAt,
    endAt,
    durationMs: startAt != null ? (running ? now : stopAt) - startAt : null,
    error: executionError,
    cause: executionCause,
    redriveCount: Number.isFinite(exec.redriveCount) ? exec.redriveCount : redrives.length,
    redriveAt: parseTime(exec.redriveDate) ?? parseTime(redrives.at(-1)?.timestamp),
    input: exec.input ?? eventDetails(started).input,
    output: exec.output ?? closingDetails.output,
    items,
    visits,
    events: sorted,
    stateOfEvent: stateOf,
  };
}

/**
 * Event id → the id of the first event of the Parallel branch or Map iteration it belongs to; top-level events are
 * absent. Each branch chains its events by previousEventId from the ParallelStateStarted or MapStateStarted event,
 * as AWS records them, so a branch is the chain that starts there.
 */
function branchesOf(sorted) {
  const byId = new Map(sorted.map((event) => [event.id, event]));
  const branchOf = new Map();
  for (const event of sorted) {
    const previous = byId.get(event.previousEventId);
    if (!previous) continue;
    const opens = OPENS_BRANCHES.has(previous.type) && !CLOSES_BRANCHES.has(event.type);
    const branch = opens ? event.id : branchOf.get(previous.id);
    if (branch !== undefined) branchOf.set(event.id, branch);
  }
  return branchOf;
}

/** The branches (Parallel) or iterations (Map) a visit ran, each traced like an execution of its own. */
function branchTraces(visit, sorted, branchOf, executionStatus, now) {
  const openers = new Set(visit.otherEvents.filter((event) => OPENS_BRANCHES.has(event.type)).map((event) => event.id));
  if (openers.size === 0) return [];
  const byId = new Map(sorted.map((event) => [event.id, event]));
  const firsts = sorted.filter((event) => branchOf.get(event.id) === event.id && openers.has(event.previousEventId));
  const visitEnd = visit.otherEvents.findLast((event) => CLOSES_BRANCHES.has(event.type));
  return firsts.map((first, position) => {
    const inBranch = (event) => {
      for (let key = branchOf.get(event.id); key !== undefined; key = branchOf.get(byId.get(key)?.previousEventId)) {
        if (key === first.id) return true;
      }
      return false;
    };
    const events = sorted.filter(inBranch);
    const iteration = events.find((event) => event.type === 'MapIterationStarted');
    const ended = events.findLast((event) => ITERATION_END[event.type]);
    const states = events.filter((event) => !event.type.startsWith('MapIteration'));
    const lastType = states.at(-1)?.type ?? '';
    const status = ended ? ITERATION_END[ended.type]
      : lastType.endsWith(STATE_EXITED) ? 'SUCCEEDED'
      : visitEnd ? (visitEnd.type.endsWith('Aborted') ? 'ABORTED' : 'FAILED')
      : executionStatus === 'RUNNING' ? 'RUNNING' : executionStatus;
    const index = eventDetails(iteration).index;
    const trace = buildTrace({ status }, states, now);
    return {
      kind: iteration ? 'iteration' : 'branch',
      label: iteration ? `Iteration ${index ?? position}` : `Branch ${position + 1}`,
      status,
      trace,
    };
  });
}

function closingStatus(type) {
  return { ExecutionSucceeded: 'SUCCEEDED', ExecutionFailed: 'FAILED', ExecutionTimedOut: 'TIMED_OUT', ExecutionAborted: 'ABORTED' }[type];
}

function latestTime(events) {
  const times = events.map((event) => parseTime(event.timestamp)).filter((time) => time != null);
  return times.length ? Math.max(...times) : null;
}

/** Decides a visit's status, outcome, error and end time once the whole history has been read. */
function settle(visit, context) {
  const lastAttempt = visit.attempts.at(-1);
  const lastFailure = [...visit.attempts].reverse().find((attempt) => attempt.outcome === 'failed' || attempt.outcome === 'timed-out');

  if (visit.exited) {
    if (lastAttempt && (lastAttempt.outcome === 'failed' || lastAttempt.outcome === 'timed-out')) {
      visit.status = 'failed';
      visit.outcome = 'caught';
      visit.nextVia = 'catch';
      visit.error = lastAttempt.error;
      visit.cause = lastAttempt.cause;
    } else {
      visit.status = 'succeeded';
      visit.outcome = 'succeeded';
    }
  } else if (visit.outcome === 'interrupted') {
    visit.status = 'failed';
    if (lastFailure) {
      visit.error = lastFailure.error;
      visit.cause = lastFailure.cause;
    }
  } else if (context.running && context.lastVisit) {
    visit.status = 'running';
    visit.outcome = 'running';
  } else if (context.status === 'SUCCEEDED') {
    // A state that ended the execution without an exit event (a Succeed state on some hosts).
    visit.status = 'succeeded';
    visit.outcome = 'succeeded';
    visit.endedAt = context.stopAt;
  } else {
    visit.status = 'failed';
    visit.outcome = lastAttempt?.outcome === 'timed-out' || context.status === 'TIMED_OUT' ? 'timed-out' : 'failed';
    visit.endedAt = context.stopAt;
    const failure = lastAttempt && lastAttempt.ended && lastAttempt.outcome !== 'succeeded' ? lastAttempt : null;
    visit.error = failure?.error ?? (context.lastVisit ? context.executionError : null);
    visit.cause = failure?.cause ?? (context.lastVisit ? context.executionCause : null);
    if (lastAttempt && !lastAttempt.ended) lastAttempt.outcome = context.status === 'TIMED_OUT' ? 'timed-out' : 'interrupted';
  }

  const end = visit.endedAt ?? (visit.status === 'running' ? context.now : null);
  visit.durationMs = visit.enteredAt != null && end != null ? end - visit.enteredAt : null;
  visit.resource = resourceOf(visit.attempts);
  visit.retries = Math.max(0, visit.attempts.length - 1);
  for (const attempt of visit.attempts) {
    const { start, end: attemptEnd } = attemptTimes(attempt);
    attempt.startAt = start;
    attempt.endAt = attemptEnd ?? (attempt.outcome === 'running' ? context.now : visit.endedAt);
    attempt.durationMs = start != null && attempt.endAt != null ? attempt.endAt - start : null;
  }
  for (let i = 1; i < visit.attempts.length; i++) {
    const previousEnd = visit.attempts[i - 1].endAt;
    const start = visit.attempts[i].startAt;
    visit.attempts[i].waitedMs = previousEnd != null && start != null ? start - previousEnd : null;
  }
}

/** A Task resource that is itself a Lambda function's ARN, which AWS records as LambdaFunction* events. */
const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+/;

/**
 * The task's resource as the console shows it, with the Lambda function it runs: the resource itself when it is a
 * function's ARN, else the FunctionName its parameters give.
 */
function resourceOf(attempts) {
  const attempt = attempts.find((candidate) => candidate.resource || candidate.resourceType);
  if (!attempt) return null;
  const parameters = parseJson(attempt.parameters).value;
  const functionName = FUNCTION_ARN.test(attempt.resource ?? '')
    ? attempt.resource
    : parameters && typeof parameters === 'object' && typeof parameters.FunctionName === 'string'
      ? parameters.FunctionName
      : null;
  const arn = attempt.resource?.startsWith('arn:')
    ? attempt.resource
    : `arn:aws:states:::${attempt.resourceType ?? ''}${attempt.resource ? `:${attempt.resource}` : ''}`;
  return {
    type: attempt.resourceType,
    resource: attempt.resource,
    arn,
    functionName,
    timeoutInSeconds: attempt.timeoutInSeconds,
    parameters: attempt.parameters,
  };
}

/** Event id → the name of the state it happened in, for the event history table. */
function stateOfEvent(items) {
  const map = new Map();
  for (const item of items) {
    if (item.kind !== 'state') continue;
    const visit = item.visit;
    const own = [visit.entered, visit.exited, ...visit.otherEvents, ...visit.attempts.flatMap((attempt) => attempt.events)];
    for (const event of own) if (event) map.set(event.id, visit.name);
  }
  return map;
}

/** The bars of the compact timeline: each visit's offset and width as fractions of the execution's span. */
export function timelineBars(trace) {
  const start = trace.startAt ?? trace.visits[0]?.enteredAt;
  if (start == null) return [];
  const span = Math.max(1, (trace.endAt ?? start) - start);
  return trace.visits
    .filter((visit) => visit.enteredAt != null)
    .map((visit) => {
      const offset = Math.min(1, Math.max(0, (visit.enteredAt - start) / span));
      const width = Math.min(1 - offset, Math.max(0, (visit.durationMs ?? 0) / span));
      return { visit, offset, width, offsetMs: visit.enteredAt - start };
    });
}
