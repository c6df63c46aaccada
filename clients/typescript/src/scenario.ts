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
//   9. revenue (beta): a sale collected on delivery (the payer model that makes release wait for
//      payment) arrives; the filer reads its duty assessment line by line, has an over-payment
//      refused, pays part, then the balance, which releases the goods;
//  10. disposition (beta): an undervalued sale is held, arrives, and a customs officer returns it
//      to its sender with a legal basis and a return waybill; the filer reads the disposition;
//  11. agency (beta): a partner government agency (--agency) subscribes to textiles with
//      hold_for_review for the run; a gift of a scarf is held for it; the agency asks the filer for
//      information, the filer answers (RespondToAgencyRequest), the agency lets the goods proceed;
//      the subscription is deleted again;
//  12. wait (bounded) until the watch has delivered an ACCEPTED event for every accepted one, and
//      the DISPOSED event of the returned one.
// The log is line-oriented and stable, for people and for the test that runs it
// (tests/Exchange.SampleClients.Tests/TypeScriptClientTests.cs). Exit codes: 0 success,
// 1 any unexpected failure, 2 wrong arguments.
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { DeclarationEventWatch } from "./declaration-event-watch";
import { fromConnectError, fromStatus, type ExchangeError } from "./error-details";
import {
  createConsignmentClient,
  createDataSetClient,
  createAgencyClient,
  createEnforcementClient,
  createExchangeClient,
  createRevenueClient,
  filerParent,
  type AgencyClient,
  type ConsignmentClient,
  type DataSetClient,
  type EnforcementClient,
  type ExchangeClient,
  type RevenueClient,
} from "./exchange-client";
import { ConsignmentEventType, ConsignmentState, ControlReason, type ConsignmentHouse, type ControlItem } from "./gen/exchange/declaration/v1/consignment_pb";
import { AgencyDecision, AgencyRequestState, ReferralState, ReferralType, TaxType } from "./gen/exchange/declaration/v1/decision_pb";
import { DeclarationStatus, type Declaration } from "./gen/exchange/declaration/v1/declaration_pb";
import { DispositionType } from "./gen/exchange/declaration/v1/disposition_pb";
import { ClearanceState, ControlOutcome, MasterConsignmentLinkState, SecurityAssessmentState } from "./gen/exchange/declaration/v1/lifecycle_pb";
import { DutyAssessmentState, PayerModel } from "./gen/exchange/declaration/v1/revenue_pb";
import type { Money } from "./gen/google/type/money_pb";
import { formatMoney, wholeUnits } from "./money";
import { readConsignment, readDeclaration, readDeclarationLines } from "./sample-files";

const usage = `Usage: npm run scenario -- [--server URL] [--filer ID] [--carrier ID] [--officer ID] [--agency ID] [--samples DIR] [--events-timeout SECONDS]
  --server          the node, default $EXCHANGE_SERVER or http://127.0.0.1:5080 (http:// is HTTP/2 without TLS)
  --filer           the calling filer, sent as x-exchange-filer, default $EXCHANGE_FILER or ts-demo
  --carrier         the carrier filing the master consignment, default the filer's id with -carrier
  --officer         the customs officer recording control results, sent as x-exchange-officer, default the filer's id with -officer
  --agency          the partner government agency of the agency step, sent as x-exchange-agency, default the filer's id with -agency
  --samples         folder of the sample declarations, default ../csharp/Exchange.Client/samples
  --events-timeout  how long to wait for the watches to deliver every ACCEPTED event and HOUSE_RELEASED notice, default 30`;

const validSamples = ["postal-cn22-gift.json", "express-ioss-marketplace-sale.json"];
const invalidSample = "invalid-several-errors.json";
const bulkSample = "bulk-mixed.jsonl";
const houseSample = "express-ioss-marketplace-sale.json";
const masterSample = "consignment-air-master.json";
/** The HS subheading of the postal gift's scarf, which the agency of step 11 subscribes to. */
const agencyHsPrefix = "611710";
const callTimeoutMs = 30_000;
const bulkTimeoutMs = 120_000;

interface Options {
  server: string;
  filer: string;
  carrier: string;
  officer: string;
  agency: string;
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
        agency: { type: "string" },
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
    agency: values.agency ?? `${values.filer}-agency`,
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

  const watch = DeclarationEventWatch.open(client, parent);
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
    accepted.push(await collectOnDelivery(client, createRevenueClient(options.server, options.filer), parent, options));
    const officer = createEnforcementClient(options.server, options.officer);
    const returned = await returnToSender(client, officer, parent, options);
    accepted.push(returned.name);
    accepted.push(await agencyJourney(client, createAgencyClient(options.server, options.agency), parent, options));

    const seen = await watch.waitForAccepted(accepted, options.eventsTimeoutMs);
    if (seen < accepted.length) {
      throw new Error(`the watch delivered ACCEPTED events for ${seen} of ${accepted.length} accepted declarations within ${options.eventsTimeoutMs / 1000} s`);
    }
    log(`EVENTS ${seen}`);
    if (returned.disposed) {
      const disposition = await watch.waitForDisposed(returned.name, options.eventsTimeoutMs);
      if (disposition === undefined) {
        throw new Error(`the watch delivered no DISPOSED event for ${returned.name} within ${options.eventsTimeoutMs / 1000} s`);
      }
      log(`WATCH DISPOSED ${DispositionType[disposition.type]} legal_basis=${disposition.legalBasis?.code ?? ""}`);
    }
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

/**
 * Step 11 (AgencyService and RespondToAgencyRequest, beta): a partner government agency sees only
 * the goods its subscriptions flag to it, so for the length of this step it subscribes to the HS
 * subheading of the postal gift's scarf (611710) with hold_for_review, which holds matching goods
 * when the node assesses them. Subscriptions are node-wide (every filer's scarves would be held),
 * so the step deletes it again, whatever happens. The agency asks the filer for information, the
 * filer reads the OPEN request on its declaration and answers it, and the agency lets the goods
 * proceed (MAY_PROCEED lifts its hold; before arrival they are ASSESSED). A node that has not
 * assessed the gift yet (an assessment delay) has not flagged it, so there is nothing to ask.
 * Returns the declaration's name.
 */
async function agencyJourney(client: ExchangeClient, agency: AgencyClient, parent: string, options: Options): Promise<string> {
  const agencyName = `agencies/${options.agency}`;
  const subscription = (await agency.createSubscription({
    parent: agencyName,
    subscriptionId: `scenario-${randomUUID().slice(0, 8)}`,
    subscription: { hsPrefixes: [agencyHsPrefix], description: "Textiles: the sample scenario's agency step", holdForReview: true },
  }, { timeoutMs: callTimeoutMs })).subscription;
  if (subscription === undefined) {
    throw new Error(`${agencyName}: the node answered CreateSubscription without the subscription`);
  }
  log(`AGENCY SUBSCRIBED ${agencyName} hs=${agencyHsPrefix} hold_for_review=${subscription.holdForReview}`);
  try {
    const [giftSample] = validSamples;
    const { source, declaration } = await readDeclaration(join(options.samples, giftSample ?? ""));
    const filed = await submit(client, parent, declaration);
    log(`AGENCY FILED ${source} status=${DeclarationStatus[filed.status]}`);
    if (filed.status !== DeclarationStatus.HELD) {
      log(`AGENCY skipped status=${DeclarationStatus[filed.status]}: the node flags goods to an agency when it assesses them`);
      return filed.name;
    }

    await agency.createAgencyRequest({
      declaration: filed.name,
      agency: agencyName,
      requestText: "Send the fibre composition of the scarf.",
      requestId: randomUUID(),
    }, { timeoutMs: callTimeoutMs });
    const current = (await client.getDeclaration({ name: filed.name }, { timeoutMs: callTimeoutMs })).declaration;
    const request = current?.agencyRequests.find((candidate) => candidate.state === AgencyRequestState.OPEN);
    if (request === undefined) {
      throw new Error(`${filed.name}: the filer sees no OPEN agency request`);
    }
    log(`AGENCY REQUEST ${AgencyRequestState[request.state]} ${request.agency}`);

    const answered = (await client.respondToAgencyRequest({
      name: request.name,
      response: { text: "100 % wool, hand-knitted.", documents: [] },
      requestId: randomUUID(),
    }, { timeoutMs: callTimeoutMs })).declaration;
    const answer = answered?.agencyRequests.find((candidate) => candidate.name === request.name);
    log(`AGENCY ANSWERED ${AgencyRequestState[answer?.state ?? AgencyRequestState.UNSPECIFIED]} status=${DeclarationStatus[answered?.status ?? DeclarationStatus.UNSPECIFIED]}`);

    const decided = (await agency.recordAgencyDecision({
      declaration: filed.name,
      agency: agencyName,
      decision: AgencyDecision.MAY_PROCEED,
      reason: "Composition as declared.",
      requestId: randomUUID(),
    }, { timeoutMs: callTimeoutMs })).declaration;
    log(`AGENCY DECIDED MAY_PROCEED status=${DeclarationStatus[decided?.status ?? DeclarationStatus.UNSPECIFIED]}`);
    return filed.name;
  } finally {
    await agency.deleteSubscription({ name: subscription.name }, { timeoutMs: callTimeoutMs });
    log("AGENCY UNSUBSCRIBED");
  }
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
  const declaration = await arrive(client, name, source);
  const security = SecurityAssessmentState[declaration.securityAssessment?.state ?? SecurityAssessmentState.UNSPECIFIED];
  log(`ARRIVED ${source} status=${DeclarationStatus[declaration.status]} security=${security} clearance=${clearanceOf(declaration)}`);
}

/** NotifyArrival of a single filing's goods a minute ago at NL000396; returns the declaration after it. */
async function arrive(client: ExchangeClient, name: string, source: string): Promise<Declaration> {
  const response = await client.notifyArrival(
    { name, arriveTime: timestampFromDate(new Date(Date.now() - 60_000)), arrivalOffice: "NL000396", requestId: randomUUID() },
    { timeoutMs: callTimeoutMs },
  );
  const declaration = response.declaration;
  if (declaration?.clearance?.arriveTime === undefined) {
    throw new Error(`${source}: the node answered NotifyArrival without the recorded arrival`);
  }
  return declaration;
}

/** The clearance state's label, e.g. AWAITING_PAYMENT. */
function clearanceOf(declaration: Declaration | undefined): string {
  return ClearanceState[declaration?.clearance?.state ?? ClearanceState.UNSPECIFIED] ?? "UNSPECIFIED";
}

/**
 * The express sample as a single filing of its own: no master waybill (no carrier's consignment,
 * so the filer is the payer), a house waybill of this run, and `earbuds` earbuds (20 for EUR
 * 39.98 is undervalued: the node holds it with a request for information).
 */
async function singleFilingSale(samples: string, earbuds: number): Promise<{ declaration: Declaration; houseDocument: string }> {
  const { declaration } = await readDeclaration(join(samples, houseSample));
  const [item] = declaration.items;
  if (declaration.transportDocument === undefined || item?.quantity?.value === undefined) {
    throw new Error(`${houseSample}: no transport document or item quantity to vary`);
  }
  const houseDocument = String(Math.floor(Math.random() * 1e10)).padStart(10, "0");
  declaration.transportDocument.masterWaybill = "";
  declaration.transportDocument.houseWaybill = houseDocument;
  item.quantity.value.value = String(earbuds);
  return { declaration, houseDocument };
}

/** Submits one declaration; returns it as recorded. */
async function submit(client: ExchangeClient, parent: string, declaration: Declaration): Promise<Declaration> {
  const recorded = (await client.submitDeclaration({ parent, declaration, requestId: randomUUID() }, { timeoutMs: callTimeoutMs })).declaration;
  if (recorded === undefined || recorded.name === "") {
    throw new Error(`${houseSample}: the node answered without the recorded declaration`);
  }
  return recorded;
}

/**
 * Step 9 (RevenueService, beta): collect on delivery makes release wait until the duties and
 * taxes are paid (docs/revenue.md). The sale is filed without its IOSS number, so the VAT is due
 * at importation as well as the duty. Once the goods arrive the node turns its estimate into the
 * assessment (the debt); the filer, the payer of a single filing, reads it, has an over-payment
 * refused (nothing is recorded), pays part, then the balance, which releases the goods in the
 * same write. A node that has not assessed the declaration yet (an assessment delay) has no
 * assessment to read: NOT_FOUND, and nothing can be paid. Returns the declaration's name.
 */
async function collectOnDelivery(client: ExchangeClient, revenue: RevenueClient, parent: string, options: Options): Promise<string> {
  const { declaration, houseDocument } = await singleFilingSale(options.samples, 2);
  declaration.iossNumber = "";
  declaration.payerModel = PayerModel.COLLECT_ON_DELIVERY;
  const filed = await submit(client, parent, declaration);
  log(`COD ${houseSample} payer_model=COLLECT_ON_DELIVERY status=${DeclarationStatus[filed.status]} hawb=${houseDocument}`);
  const arrived = await arrive(client, filed.name, houseSample);
  log(`COD ARRIVED status=${DeclarationStatus[arrived.status]} clearance=${clearanceOf(arrived)}`);

  const assessmentName = `${filed.name}/dutyAssessment`;
  let assessment;
  try {
    assessment = (await revenue.getDutyAssessment({ name: assessmentName }, { timeoutMs: callTimeoutMs })).dutyAssessment;
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.NotFound) {
      log(`DUTY not assessed yet code=NOT_FOUND reason=${fromConnectError(error).errorInfo?.reason ?? "(no ErrorInfo)"}`);
      return filed.name;
    }
    throw error;
  }
  if (assessment?.balance === undefined) {
    throw new Error(`${assessmentName}: the node answered without the assessment's balance`);
  }
  log(`DUTY state=${DutyAssessmentState[assessment.state]} payer=${assessment.payer} due=${formatMoney(assessment.amountDue)} release_awaits_payment=${assessment.releaseAwaitsPayment}`);
  for (const line of assessment.lines) {
    log(`DUTY LINE ${TaxType[line.taxType]} ${formatMoney(line.amount)} source=${line.legalSource}`);
  }

  // An over-payment is refused (FAILED_PRECONDITION PAYMENT_EXCEEDS_BALANCE, the field `amount`), nothing recorded.
  const { currencyCode, units } = assessment.balance;
  try {
    await pay(revenue, assessmentName, wholeUnits(currencyCode, units + 1n));
    throw new Error(`${assessmentName}: the node accepted a payment above the balance`);
  } catch (error) {
    if (!(error instanceof ConnectError && error.code === Code.FailedPrecondition)) {
      throw error;
    }
    const refusal = fromConnectError(error);
    log(`OVERPAYMENT refused code=${refusal.code} reason=${refusal.errorInfo?.reason ?? "(no ErrorInfo)"} fields=${refusal.violations.map((violation) => violation.field).join(",")}`);
  }

  // Half the balance in whole units, then whatever the node says is left.
  let paid = await pay(revenue, assessmentName, wholeUnits(currencyCode, units / 2n));
  paid = await pay(revenue, assessmentName, paid.dutyAssessment?.balance);
  if (paid.declarationStatus !== DeclarationStatus.RELEASED) {
    throw new Error(`${assessmentName}: paying the balance left the goods ${DeclarationStatus[paid.declarationStatus]}, not RELEASED`);
  }
  const released = (await client.getDeclaration({ name: filed.name }, { timeoutMs: callTimeoutMs })).declaration;
  log(`COD PAID status=${DeclarationStatus[released?.status ?? DeclarationStatus.UNSPECIFIED]} clearance=${clearanceOf(released)}`);
  return filed.name;
}

/** One payment (a new request id each: a retry with the same id would pay nothing twice); prints where it leaves the debt. */
async function pay(revenue: RevenueClient, name: string, amount: Money | undefined) {
  const response = await revenue.recordPayment(
    { name, amount, paymentReference: `RCPT-${randomUUID().slice(0, 8)}`, requestId: randomUUID() },
    { timeoutMs: callTimeoutMs },
  );
  const assessment = response.dutyAssessment;
  log(`PAID ${formatMoney(amount)} state=${DutyAssessmentState[assessment?.state ?? DutyAssessmentState.UNSPECIFIED]} balance=${formatMoney(assessment?.balance)} status=${DeclarationStatus[response.declarationStatus]}`);
  return response;
}

/**
 * Step 10 (EnforcementService.RecordDisposition, beta): the undervalued sale is held with a
 * request for information; its goods arrive; a customs officer, on the declaration's current
 * etag, returns them to the sender, on a legal basis (the officer's: the node keeps no list of
 * provisions) and with the return shipment's own waybill. The filer reads the disposition on its
 * declaration (and, step 11, on its watch). Only held goods can be disposed of: on a node that
 * has not assessed the sale yet it is not held, and the step says so instead.
 */
async function returnToSender(client: ExchangeClient, officer: EnforcementClient, parent: string, options: Options): Promise<{ name: string; disposed: boolean }> {
  const { declaration, houseDocument } = await singleFilingSale(options.samples, 20);
  const filed = await submit(client, parent, declaration);
  log(`DISPOSAL ${houseSample} earbuds=20 status=${DeclarationStatus[filed.status]} hawb=${houseDocument}`);
  const arrived = await arrive(client, filed.name, houseSample);
  log(`DISPOSAL ARRIVED status=${DeclarationStatus[arrived.status]} clearance=${clearanceOf(arrived)}`);
  if (arrived.status !== DeclarationStatus.HELD) {
    log(`DISPOSITION skipped status=${DeclarationStatus[arrived.status]}: only goods customs holds can be disposed of`);
    return { name: filed.name, disposed: false };
  }

  const current = (await officer.getDeclaration({ name: filed.name }, { timeoutMs: callTimeoutMs })).declaration;
  const returnWaybill = String(Math.floor(Math.random() * 1e10)).padStart(10, "0");
  const disposed = (await officer.recordDisposition({
    name: filed.name,
    type: DispositionType.RETURNED_TO_SENDER,
    legalBasis: { code: "ART-198", citation: "Article 198 of the national customs act (return of goods to the sender)" },
    reason: "Declared value far below the goods' value; no invoice supports it.",
    returnItemIdentifier: returnWaybill,
    etag: current?.etag ?? "",
    requestId: randomUUID(),
  }, { timeoutMs: callTimeoutMs })).declaration;
  log(`DISPOSITION RETURNED_TO_SENDER status=${DeclarationStatus[disposed?.status ?? DeclarationStatus.UNSPECIFIED]} clearance=${clearanceOf(disposed)}`);

  const seen = (await client.getDeclaration({ name: filed.name }, { timeoutMs: callTimeoutMs })).declaration;
  const disposition = seen?.disposition;
  if (disposition === undefined) {
    throw new Error(`${filed.name}: the filer's declaration shows no disposition`);
  }
  const deadline = disposition.appealDeadline === undefined ? "" : timestampDate(disposition.appealDeadline).toISOString();
  log(`DISPOSED ${DispositionType[disposition.type]} status=${DeclarationStatus[seen?.status ?? DeclarationStatus.UNSPECIFIED]} legal_basis=${disposition.legalBasis?.code ?? ""} return=${disposition.returnItemIdentifier} notices=${disposition.notices.length} appeal_deadline=${deadline}`);
  return { name: filed.name, disposed: true };
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
