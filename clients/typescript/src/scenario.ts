// The standard scenario of the Exchange's sample clients, run against one node:
//   1. watch the filer's events (with history) in the background;
//   2. submit two valid declarations;
//   3. submit an invalid one and print every field violation of the refusal;
//   4. bulk-submit a JSON Lines file over one bidirectional stream;
//   5. notify the arrival of the first valid declaration's goods (NotifyArrival, beta) and print
//      where both lifecycles stand after it;
//   6. multiple filing, two parties: the filer files two houses (one undervalued) naming a master
//      air waybill of this run, a carrier (--carrier) files the master consignment, the filer
//      answers any referral, the carrier lists its houses and notifies the consignment's arrival,
//      which releases the assessed houses and lists the others to present for control;
//   7. control (beta): for each house to present, the carrier presents it
//      (NotifyConsignmentPresentation), then a customs officer (--officer) records a satisfactory
//      control result on the declaration's current etag, which releases it;
//   8. the carrier reads its notices (WatchConsignmentEvents with history) until it has the
//      HOUSE_RELEASED notice of every house (bounded by --events-timeout);
//   9. wait (bounded) until the watch has delivered an ACCEPTED event for every accepted one.
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
import {
  createConsignmentClient,
  createDataSetClient,
  createEnforcementClient,
  createExchangeClient,
  filerParent,
  type ConsignmentClient,
  type DataSetClient,
  type EnforcementClient,
  type ExchangeClient,
} from "./exchange-client";
import { ConsignmentEventType, ConsignmentState, ControlReason, type ConsignmentHouse, type ControlItem } from "./gen/exchange/declaration/v1/consignment_pb";
import { ReferralState, ReferralType } from "./gen/exchange/declaration/v1/decision_pb";
import { DeclarationStatus } from "./gen/exchange/declaration/v1/declaration_pb";
import { ClearanceState, ControlOutcome, MasterConsignmentLinkState, SecurityAssessmentState } from "./gen/exchange/declaration/v1/lifecycle_pb";
import { readConsignment, readDeclaration, readDeclarationLines } from "./sample-files";

const usage = `Usage: npm run scenario -- [--server URL] [--filer ID] [--carrier ID] [--officer ID] [--samples DIR] [--events-timeout SECONDS]
  --server          the node, default $EXCHANGE_SERVER or http://127.0.0.1:5080 (http:// is HTTP/2 without TLS)
  --filer           the calling filer, sent as x-exchange-filer, default $EXCHANGE_FILER or ts-demo
  --carrier         the carrier filing the master consignment, default the filer's id with -carrier
  --officer         the customs officer recording control results, sent as x-exchange-officer, default the filer's id with -officer
  --samples         folder of the sample declarations, default ../csharp/Exchange.Client/samples
  --events-timeout  how long to wait for the watches to deliver every ACCEPTED event and HOUSE_RELEASED notice, default 30`;

const validSamples = ["postal-cn22-gift.json", "express-ioss-marketplace-sale.json"];
const invalidSample = "invalid-several-errors.json";
const bulkSample = "bulk-mixed.jsonl";
const houseSample = "express-ioss-marketplace-sale.json";
const masterSample = "consignment-air-master.json";
const callTimeoutMs = 30_000;
const bulkTimeoutMs = 120_000;

interface Options {
  server: string;
  filer: string;
  carrier: string;
  officer: string;
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
        carrier: { type: "string" },
        officer: { type: "string" },
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
  return {
    server: values.server,
    filer: values.filer,
    carrier: values.carrier ?? `${values.filer}-carrier`,
    officer: values.officer ?? `${values.filer}-officer`,
    samples: resolve(values.samples),
    eventsTimeoutMs: seconds * 1000,
  };
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
      await printDataSet(createDataSetClient(options.server, options.filer), firstName, "UPU-CN23");
      await notifyArrival(client, firstName, firstSample);
    }
    const carrier = createConsignmentClient(options.server, options.carrier);
    const filing = await multipleFiling(client, carrier, parent, options);
    accepted.push(...filing.houses.values());
    await presentAndControl(carrier, createEnforcementClient(options.server, options.officer), filing);
    await readNotices(carrier, filing, options);

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

/** The first declaration as the UPU CN23 data set (DataSetService, beta): one line with its completeness. */
async function printDataSet(dataSets: DataSetClient, name: string, profile: string): Promise<void> {
  const { dataSet } = await dataSets.getDeclarationDataSet({ name, profile }, { timeoutMs: callTimeoutMs });
  if (dataSet === undefined) {
    throw new Error(`${name}: the node answered without the data set`);
  }
  log(`DATASET ${dataSet.profile} ${dataSet.profileVersion} complete=${dataSet.complete} values=${dataSet.values.length}`);
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

/** What step 6 leaves for the next steps: the consignment, its houses, and what its arrival asks to present. */
interface Filing {
  /** The consignment's name, `filers/{carrier}/consignments/{id}`. */
  consignment: string;
  /** The houses' declaration names by house transport document (what the carrier knows them by). */
  houses: Map<string, string>;
  /** The houses to present for control, as the arrival listed them. */
  itemsToPresent: ControlItem[];
}

/**
 * Step 6: multiple filing with two parties. The filer's houses name a master air waybill of this
 * run (so the scenario can run again against the same node), each with its own house waybill;
 * the carrier files the master after them, and the houses link to it whoever filed first.
 */
async function multipleFiling(client: ExchangeClient, carrier: ConsignmentClient, parent: string, options: Options): Promise<Filing> {
  const masterDocument = `176-${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const houses = new Map<string, string>();
  for (const earbuds of [2, 20]) {
    const { declaration } = await readDeclaration(join(options.samples, houseSample));
    const [item] = declaration.items;
    if (declaration.transportDocument === undefined || item?.quantity?.value === undefined) {
      throw new Error(`${houseSample}: no transport document or item quantity to vary`);
    }
    // Ten digits like the sample's: the master's serial and the quantity, unique in this run.
    const houseDocument = `${masterDocument.slice(4)}${String(earbuds).padStart(2, "0")}`;
    declaration.transportDocument.masterWaybill = masterDocument;
    declaration.transportDocument.houseWaybill = houseDocument;
    item.quantity.value.value = String(earbuds); // 20 for EUR 39.98 is undervalued: a request for information
    const house = (await client.submitDeclaration({ parent, declaration, requestId: randomUUID() }, { timeoutMs: callTimeoutMs })).declaration;
    if (house === undefined) {
      throw new Error(`${houseSample}: the node answered without the recorded house`);
    }
    log(`HOUSE ${houseSample} earbuds=${earbuds} status=${DeclarationStatus[house.status]} master=${MasterConsignmentLinkState[house.masterConsignment?.state ?? 0]} hawb=${houseDocument}`);
    houses.set(houseDocument, house.name);
  }

  const master = await readConsignment(join(options.samples, masterSample));
  master.masterTransportDocument = masterDocument;
  const filed = (await carrier.createConsignment(
    { parent: filerParent(options.carrier), consignmentId: `mawb-${masterDocument}`, consignment: master },
    { timeoutMs: callTimeoutMs },
  )).consignment;
  if (filed === undefined) {
    throw new Error(`${masterSample}: the node answered without the recorded consignment`);
  }
  log(`MASTER ${masterSample} state=${ConsignmentState[filed.state]} carrier=${options.carrier}`);

  for (const name of houses.values()) {
    const house = (await client.getDeclaration({ name }, { timeoutMs: callTimeoutMs })).declaration;
    for (const referral of house?.referrals ?? []) {
      if (referral.state === ReferralState.OPEN && referral.type === ReferralType.REQUEST_FOR_INFORMATION) {
        await client.respondToReferral({
          name: referral.name,
          response: { answer: { case: "additionalInformation", value: { text: "Clearance sale of a discontinued model; invoice attached.", documents: [] } } },
          requestId: randomUUID(),
        }, { timeoutMs: callTimeoutMs });
        log("REFERRAL answered REQUEST_FOR_INFORMATION");
      }
    }
    log(`LINKED ${MasterConsignmentLinkState[house?.masterConsignment?.state ?? 0]} ${house?.masterConsignment?.consignment ?? ""}`);
  }

  const listed = (await carrier.listConsignmentHouses({ parent: filed.name }, { timeoutMs: callTimeoutMs })).houses;
  log(`HOUSES ${listed.length} ${listed.map((house) => DeclarationStatus[house.status] + (house.referralOpen ? "+referral" : "")).join(",")}`);
  const arrival = await carrier.notifyConsignmentArrival(
    { name: filed.name, arriveTime: timestampFromDate(new Date(Date.now() - 60_000)), arrivalOffice: "NL000396" },
    { timeoutMs: callTimeoutMs },
  );
  const reasons = arrival.itemsToPresent.map((item) => ControlReason[item.reason]).join(",");
  const state = arrival.consignment === undefined ? "UNSPECIFIED" : ConsignmentState[arrival.consignment.state];
  log(`CONSIGNMENT ${state} arrived=${arrival.housesArrived} released=${arrival.housesReleased} present=${arrival.itemsToPresent.length} ${reasons}`);
  return { consignment: filed.name, houses, itemsToPresent: arrival.itemsToPresent };
}

/** How the carrier names a house: its house transport document, or its S10 item identifier for a postal item. */
function houseReference(house: ConsignmentHouse | undefined): string {
  return house?.houseTransportDocument || house?.itemIdentifier || "";
}

/**
 * Step 7: each house the arrival listed is presented by the carrier, then controlled by a customs
 * officer, who reads the declaration first for its current etag (the control is refused if it
 * changed since). A satisfactory result releases the goods at once (no agency holds them here).
 */
async function presentAndControl(carrier: ConsignmentClient, officer: EnforcementClient, filing: Filing): Promise<void> {
  if (filing.itemsToPresent.length === 0) {
    throw new Error("the arrival listed no house to present, so presentation and control cannot be shown");
  }
  for (const item of filing.itemsToPresent) {
    const reference = houseReference(item.house);
    const name = filing.houses.get(reference);
    if (name === undefined) {
      throw new Error(`the arrival listed the house "${reference}", which this scenario did not file`);
    }
    const [presented] = (await carrier.notifyConsignmentPresentation(
      { name: filing.consignment, houseReferences: [reference] },
      { timeoutMs: callTimeoutMs },
    )).houses;
    if (presented === undefined) {
      throw new Error(`${reference}: the node answered NotifyConsignmentPresentation without the house`);
    }
    log(`PRESENTED ${reference} status=${DeclarationStatus[presented.status]} clearance=${ClearanceState[presented.clearanceState]}`);

    const current = (await officer.getDeclaration({ name }, { timeoutMs: callTimeoutMs })).declaration;
    if (current === undefined) {
      throw new Error(`${reference}: the node answered the officer's GetDeclaration without the declaration`);
    }
    const controlled = (await officer.recordControlResult({
      name,
      outcome: ControlOutcome.SATISFACTORY,
      remarks: "Goods match the declaration.",
      etag: current.etag,
      requestId: randomUUID(),
    }, { timeoutMs: callTimeoutMs })).declaration;
    const status = controlled === undefined ? "UNSPECIFIED" : DeclarationStatus[controlled.status];
    const clearance = ClearanceState[controlled?.clearance?.state ?? ClearanceState.UNSPECIFIED];
    log(`CONTROLLED ${reference} outcome=SATISFACTORY status=${status} clearance=${clearance}`);
    if (controlled?.status !== DeclarationStatus.RELEASED) {
      throw new Error(`${reference}: a satisfactory control result left the house ${status}, not RELEASED`);
    }
  }
}

/**
 * Step 8: the carrier's notices of this consignment, from the start of its history, one line each,
 * until every house has its HOUSE_RELEASED notice (the release notice to the holder of the goods),
 * or the deadline passes.
 */
async function readNotices(carrier: ConsignmentClient, filing: Filing, options: Options): Promise<void> {
  const released = new Set<string>();
  let notices = 0;
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), options.eventsTimeoutMs);
  try {
    const events = carrier.watchConsignmentEvents(
      { parent: filerParent(options.carrier), includeHistory: true, consignment: filing.consignment },
      { signal: stop.signal },
    );
    for await (const { event } of events) {
      if (event === undefined) {
        continue;
      }
      const reference = houseReference(event.house);
      notices++;
      log(`NOTICE ${ConsignmentEventType[event.type]} ${reference}`);
      if (event.type === ConsignmentEventType.HOUSE_RELEASED) {
        released.add(reference);
      }
      if ([...filing.houses.keys()].every((house) => released.has(house))) {
        break; // ends the call: leaving the loop cancels the stream
      }
    }
  } catch (error) {
    if (!stop.signal.aborted) {
      throw error;
    }
  } finally {
    clearTimeout(deadline);
  }
  log(`NOTICES ${notices} released=${released.size}/${filing.houses.size}`);
  if (released.size < filing.houses.size) {
    throw new Error(`the carrier's notices told the release of ${released.size} of ${filing.houses.size} houses within ${options.eventsTimeoutMs / 1000} s`);
  }
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
