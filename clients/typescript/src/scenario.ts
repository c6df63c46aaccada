// The standard scenario of the Exchange's sample clients, run against one node:
//   1. watch the filer's events (with history) in the background;
//   2. submit two valid declarations;
//   3. submit an invalid one and print every field violation of the refusal;
//   4. bulk-submit a JSON Lines file over one bidirectional stream;
//   5. notify the arrival of the first valid declaration's goods (NotifyArrival, beta) and print
//      where both lifecycles stand after it;
//   6. wait (bounded) until the watch has delivered an ACCEPTED event for every accepted one.
// The log is line-oriented and stable, for people and for the test that runs it
// (tests/Exchange.SampleClients.Tests/TypeScriptClientTests.cs). Exit codes: 0 success,
// 1 any unexpected failure, 2 wrong arguments.
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { AcceptedEventWatch } from "./accepted-event-watch";
import { fromConnectError, fromStatus, type ExchangeError } from "./error-details";
import { createExchangeClient, filerParent, type ExchangeClient } from "./exchange-client";
import { DeclarationStatus } from "./gen/exchange/declaration/v1/declaration_pb";
import { ClearanceState, SecurityAssessmentState } from "./gen/exchange/declaration/v1/lifecycle_pb";
import { readDeclaration, readDeclarationLines } from "./sample-files";

const usage = `Usage: npm run scenario -- [--server URL] [--filer ID] [--samples DIR] [--events-timeout SECONDS]
  --server          the node, default $EXCHANGE_SERVER or http://127.0.0.1:5080 (http:// is HTTP/2 without TLS)
  --filer           the calling filer, sent as x-exchange-filer, default $EXCHANGE_FILER or ts-demo
  --samples         folder of the sample declarations, default ../csharp/Exchange.Client/samples
  --events-timeout  how long to wait for the watch to deliver every ACCEPTED event, default 30`;

const validSamples = ["postal-cn22-gift.json", "express-ioss-marketplace-sale.json"];
const invalidSample = "invalid-several-errors.json";
const bulkSample = "bulk-mixed.jsonl";
const callTimeoutMs = 30_000;
const bulkTimeoutMs = 120_000;

interface Options {
  server: string;
  filer: string;
  samples: string;
  eventsTimeoutMs: number;
}

class UsageError extends Error {}

function parseOptions(args: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string", default: process.env.EXCHANGE_SERVER ?? "http://127.0.0.1:5080" },
        filer: { type: "string", default: process.env.EXCHANGE_FILER ?? "ts-demo" },
        samples: { type: "string", default: "../csharp/Exchange.Client/samples" },
        "events-timeout": { type: "string", default: "30" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const seconds = Number(values["events-timeout"]);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--events-timeout must be a positive number of seconds, not "${values["events-timeout"]}"`);
  }
  return { server: values.server, filer: values.filer, samples: resolve(values.samples), eventsTimeoutMs: seconds * 1000 };
}

function log(line: string): void {
  console.log(line);
}

async function runScenario(options: Options): Promise<void> {
  const client = createExchangeClient(options.server, options.filer);
  const parent = filerParent(options.filer);
  log(`SCENARIO server=${options.server} filer=${options.filer}`);

  const watch = AcceptedEventWatch.open(client, parent);
  log("WATCH open include_history=true");
  try {
    const accepted: string[] = [];
    for (const file of validSamples) {
      accepted.push(await submitValid(client, parent, join(options.samples, file)));
    }
    await submitInvalid(client, parent, join(options.samples, invalidSample));
    accepted.push(...(await bulkSubmit(client, parent, join(options.samples, bulkSample))));
    const [firstName] = accepted;
    const [firstSample] = validSamples;
    if (firstName !== undefined && firstSample !== undefined) {
      await notifyArrival(client, firstName, firstSample);
    }

    const seen = await watch.waitForAccepted(accepted, options.eventsTimeoutMs);
    if (seen < accepted.length) {
      throw new Error(`the watch delivered ACCEPTED events for ${seen} of ${accepted.length} accepted declarations within ${options.eventsTimeoutMs / 1000} s`);
    }
    log(`EVENTS ${seen}`);
  } finally {
    await watch.close();
  }
  log("WATCH closed");
  log("DONE");
}

/** Step 2: one valid declaration; returns its resource name. */
async function submitValid(client: ExchangeClient, parent: string, path: string): Promise<string> {
  const { source, declaration } = await readDeclaration(path);
  const response = await client.submitDeclaration({ parent, declaration, requestId: randomUUID() }, { timeoutMs: callTimeoutMs });
  const recorded = response.declaration;
  if (recorded === undefined || recorded.name === "") {
    throw new Error(`${source}: the node answered without the recorded declaration`);
  }
  log(`ACCEPTED ${source} ${recorded.customsReference}`);
  return recorded.name;
}

/**
 * Step 5: the goods of one declaration arrived. Assessed goods are released at once; otherwise the
 * arrival is recorded and release waits (a node with an assessment delay has not decided yet).
 */
async function notifyArrival(client: ExchangeClient, name: string, source: string): Promise<void> {
  const response = await client.notifyArrival(
    { name, arriveTime: timestampFromDate(new Date(Date.now() - 60_000)), arrivalOffice: "NL000396", requestId: randomUUID() },
    { timeoutMs: callTimeoutMs },
  );
  const declaration = response.declaration;
  if (declaration?.clearance?.arriveTime === undefined) {
    throw new Error(`${source}: the node answered NotifyArrival without the recorded arrival`);
  }
  const security = SecurityAssessmentState[declaration.securityAssessment?.state ?? SecurityAssessmentState.UNSPECIFIED];
  log(`ARRIVED ${source} status=${DeclarationStatus[declaration.status]} security=${security} clearance=${ClearanceState[declaration.clearance.state]}`);
}

/** Step 3: a declaration breaking several rules; the refusal must name every violation. */
async function submitInvalid(client: ExchangeClient, parent: string, path: string): Promise<void> {
  const { source, declaration } = await readDeclaration(path);
  try {
    await client.submitDeclaration({ parent, declaration, requestId: randomUUID() }, { timeoutMs: callTimeoutMs });
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.InvalidArgument) {
      const refusal = fromConnectError(error);
      log(`REJECTED ${source} code=${refusal.code} reason=${refusal.errorInfo?.reason ?? "(no ErrorInfo)"} domain=${refusal.errorInfo?.domain ?? ""}`);
      for (const violation of refusal.violations) {
        log(`VIOLATION ${violation.field} : ${violation.description}`);
      }
      return;
    }
    throw error;
  }
  throw new Error(`${source}: the node accepted a declaration it should have refused`);
}

/** Step 4: every line of a JSON Lines file over one BulkSubmitDeclarations stream; returns the accepted names. */
async function bulkSubmit(client: ExchangeClient, parent: string, path: string): Promise<string[]> {
  const lines = await readDeclarationLines(path);
  async function* requests() {
    for (const { declaration } of lines) {
      yield { parent, declaration, requestId: randomUUID() };
    }
  }

  const accepted: string[] = [];
  const rejected: { index: number; source: string; error: ExchangeError }[] = [];
  let answers = 0;
  // Requests are sent while answers are read: the stream is full duplex over HTTP/2.
  for await (const answer of client.bulkSubmitDeclarations(requests(), { timeoutMs: bulkTimeoutMs })) {
    answers++;
    const index = Number(answer.index);
    const source = lines[index]?.source ?? `index ${index}`;
    switch (answer.result.case) {
      case "declaration":
        accepted.push(answer.result.value.name);
        break;
      case "error":
        rejected.push({ index, source, error: fromStatus(answer.result.value) });
        break;
      default:
        throw new Error(`bulk answer ${index} (${source}) carries neither a declaration nor an error`);
    }
  }
  if (answers !== lines.length) {
    throw new Error(`bulk stream: ${lines.length} declarations sent, ${answers} answers received`);
  }

  log(`BULK accepted=${accepted.length} rejected=${rejected.length}`);
  for (const { index, source, error } of rejected) {
    const fields = error.violations.map((violation) => violation.field).join(",");
    log(`BULK REJECTED index=${index} source=${source} code=${error.code} reason=${error.errorInfo?.reason ?? "(no ErrorInfo)"} fields=${fields}`);
  }
  return accepted;
}

function describe(error: unknown): string {
  if (error instanceof ConnectError) {
    const details = fromConnectError(error);
    const reason = details.errorInfo ? ` reason=${details.errorInfo.reason}` : "";
    const fields = details.violations.map((violation) => ` ${violation.field}: ${violation.description}`).join(";");
    return `gRPC ${details.code}${reason}: ${details.message}${fields}`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  try {
    await runScenario(options);
    return 0;
  } catch (error) {
    console.error(`FAILED ${describe(error)}`);
    return 1;
  }
}

// Exit explicitly: an idle HTTP/2 session of the transport would otherwise keep Node running.
process.exit(await main());
