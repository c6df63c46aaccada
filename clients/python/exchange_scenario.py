#!/usr/bin/python3
"""The standard scenario of the Exchange, as a Python filer runs it against a node.

1. watch the filer's declaration events (with history) in a background thread;
2. submit two valid sample declarations;
3. submit one declaration that breaks seven rules and print every field violation
   from the google.rpc.Status error details;
4. bulk-submit a file of 20 declarations over the bidirectional stream;
5. notify the arrival of the first valid declaration's goods (NotifyArrival, beta) and print
   where both lifecycles stand after it;
6. multiple filing, two parties: two houses (one undervalued) naming a master air waybill of this
   run, the master consignment filed by a carrier (--carrier), any referral answered, the houses
   listed by the carrier and the consignment's arrival notified, which releases the assessed
   houses and lists the others to present for control;
7. control (beta): for each house to present, the carrier presents it
   (NotifyConsignmentPresentation), then a customs officer (--officer) records a satisfactory
   control result on the declaration's current etag, which releases it;
8. the carrier reads its notices (WatchConsignmentEvents with history) until it has the
   HOUSE_RELEASED notice of every house (bounded by --events-timeout);
9. revenue (beta): a sale collected on delivery (the payer model that makes release wait for
   payment) arrives; the filer reads its duty assessment line by line, has an over-payment
   refused, pays part, then the balance, which releases the goods;
10. disposition (beta): an undervalued sale is held, arrives, and a customs officer returns it to
   its sender with a legal basis and a return waybill; the filer reads the disposition;
11. agency (beta): a partner government agency (--agency) subscribes to textiles with
   hold_for_review for the run; a gift of a scarf is held for it; the agency asks the filer for
   information, the filer answers (RespondToAgencyRequest), the agency lets the goods proceed;
   the subscription is deleted again;
12. wait until the watch has delivered an ACCEPTED event for every accepted declaration, and the
   DISPOSED event of the returned one.

Prints one stable, greppable line per outcome; exits 0 on success, 1 on any unexpected outcome.
Run with Debian's /usr/bin/python3 after ./generate.sh (see README.md).
"""

import argparse
import ipaddress
import os
import random
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "generated"))

try:
    import grpc
    from google.protobuf import json_format
    from google.rpc import error_details_pb2, status_pb2

    from google.protobuf import timestamp_pb2
    from google.type import money_pb2

    from exchange.declaration.v1 import (
        consignment_pb2,
        consignment_service_pb2,
        consignment_service_pb2_grpc,
        data_set_service_pb2,
        data_set_service_pb2_grpc,
        decision_pb2,
        declaration_event_pb2,
        declaration_pb2,
        declaration_service_pb2,
        declaration_service_pb2_grpc,
        disposition_pb2,
        lifecycle_pb2,
        revenue_pb2,
        revenue_service_pb2,
        revenue_service_pb2_grpc,
    )
    from exchange.enforcement.v1 import (
        agency_service_pb2,
        agency_service_pb2_grpc,
        enforcement_service_pb2,
        enforcement_service_pb2_grpc,
    )
except ImportError as missing:  # pragma: no cover - a setup problem, explained to the user
    print(
        f"FAILED cannot import the generated client ({missing}): run ./generate.sh with Debian's "
        "python3-grpcio, python3-grpc-tools and python3-protobuf, and use /usr/bin/python3",
        file=sys.stderr,
    )
    sys.exit(1)

FILER_HEADER = "x-exchange-filer"
OFFICER_HEADER = "x-exchange-officer"
AGENCY_HEADER = "x-exchange-agency"
STATUS_DETAILS_KEY = "grpc-status-details-bin"
ACCEPTED = declaration_event_pb2.DECLARATION_EVENT_TYPE_ACCEPTED
DISPOSED = declaration_event_pb2.DECLARATION_EVENT_TYPE_DISPOSED
HOUSE_RELEASED = consignment_pb2.CONSIGNMENT_EVENT_TYPE_HOUSE_RELEASED

VALID_SAMPLES = ("postal-cn22-gift.json", "express-ioss-marketplace-sale.json")
INVALID_SAMPLE = "invalid-several-errors.json"
BULK_SAMPLE = "bulk-mixed.jsonl"
HOUSE_SAMPLE = "express-ioss-marketplace-sale.json"
MASTER_SAMPLE = "consignment-air-master.json"
AGENCY_HS_PREFIX = "611710"  # the HS subheading of the postal gift's scarf, which the agency subscribes to

CALL_TIMEOUT_S = 30
BULK_TIMEOUT_S = 120


class ScenarioError(Exception):
    """An outcome the scenario did not expect."""


# ---- Declarations from proto3 JSON ------------------------------------------------------------


def parse_declaration(text, source):
    """Proto3 JSON -> Declaration. Unknown field names are refused, naming the source."""
    try:
        return json_format.Parse(text, declaration_pb2.Declaration())
    except json_format.ParseError as error:
        raise ScenarioError(f"{source}: not a valid Declaration in proto3 JSON: {error}") from error


def read_declaration(samples, name):
    with open(os.path.join(samples, name), encoding="utf-8") as file:
        return parse_declaration(file.read(), name)


def read_declarations(samples, name):
    """One declaration per non-empty line, with its 1-based line number."""
    items = []
    with open(os.path.join(samples, name), encoding="utf-8") as file:
        for line_number, line in enumerate(file, start=1):
            if line.strip():
                items.append((line_number, parse_declaration(line, f"{name}:{line_number}")))
    return items


# ---- Error details (google.rpc.Status) ----------------------------------------------------------


def status_of(error):
    """The google.rpc.Status a gRPC error carries in its trailing metadata, or None."""
    for key, value in error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            status = status_pb2.Status()
            status.ParseFromString(value)
            return status
    return None


def unpack_details(status):
    """(ErrorInfo or None, [FieldViolation]) from a google.rpc.Status."""
    info = None
    violations = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            violations.extend(bad_request.field_violations)
    return info, violations


def describe_rpc_error(error):
    text = f"{error.code().name}: {error.details()}"
    status = status_of(error)
    if status is not None:
        info, violations = unpack_details(status)
        if info is not None:
            text += f" (reason {info.reason})"
        text += "".join(f"\n  {v.field} : {v.description}" for v in violations)
    return text


# ---- The watch ----------------------------------------------------------------------------------


class EventWatch:
    """WatchDeclarationEvents with include_history, read in a background thread: which
    declarations had an ACCEPTED event, and the disposition of each DISPOSED event."""

    def __init__(self, stub, parent, metadata):
        self._condition = threading.Condition()
        self._accepted = set()  # declaration names with an ACCEPTED event
        self._disposed = {}  # declaration name -> the Disposition of its DISPOSED event
        self._failure = None
        self._call = stub.WatchDeclarationEvents(
            declaration_service_pb2.WatchDeclarationEventsRequest(parent=parent, include_history=True),
            metadata=metadata,
        )
        self._thread = threading.Thread(target=self._read, name="watch", daemon=True)
        self._thread.start()

    def _read(self):
        try:
            for response in self._call:
                event = response.event
                if event.type == ACCEPTED:
                    with self._condition:
                        self._accepted.add(event.declaration)
                        self._condition.notify_all()
                elif event.type == DISPOSED:
                    with self._condition:
                        self._disposed[event.declaration] = event.disposition
                        self._condition.notify_all()
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                with self._condition:
                    self._failure = f"watch failed: {describe_rpc_error(error)}"
                    self._condition.notify_all()
            return
        with self._condition:
            self._failure = "watch ended before it was cancelled"
            self._condition.notify_all()

    def wait_for_accepted(self, names, timeout_s):
        """How many of `names` had an ACCEPTED event within the timeout."""
        self._wait_until(lambda: names <= self._accepted, timeout_s)
        return len(names & self._accepted)

    def wait_for_disposed(self, name, timeout_s):
        """The disposition of `name`'s DISPOSED event, or None if it did not come within the timeout."""
        self._wait_until(lambda: name in self._disposed, timeout_s)
        return self._disposed.get(name)

    def _wait_until(self, done, timeout_s):
        """Waits until done() holds (called under the lock) or the timeout; raises if the watch failed."""
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while True:
                remaining = deadline - time.monotonic()
                if done() or self._failure is not None or remaining <= 0:
                    break
                self._condition.wait(remaining)
            if self._failure is not None:
                raise ScenarioError(self._failure)

    def cancel(self):
        self._call.cancel()
        self._thread.join(timeout=5)


# ---- The scenario -------------------------------------------------------------------------------


def submit_valid(stub, parent, metadata, samples):
    """Submits the valid samples; returns their names in the order of VALID_SAMPLES."""
    names = []
    for sample in VALID_SAMPLES:
        request = declaration_service_pb2.SubmitDeclarationRequest(
            parent=parent, declaration=read_declaration(samples, sample), request_id=str(uuid.uuid4())
        )
        try:
            response = stub.SubmitDeclaration(request, metadata=metadata, timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as error:
            raise ScenarioError(f"{sample} was refused: {describe_rpc_error(error)}") from error
        print(f"ACCEPTED {sample} {response.declaration.customs_reference}", flush=True)
        names.append(response.declaration.name)
    return names


def enum_label(enum, value, prefix):
    """ACCEPTED for DECLARATION_STATUS_ACCEPTED: the value's proto name without its enum prefix."""
    return enum.Name(value)[len(prefix):]


def arrive(stub, metadata, name, sample):
    """NotifyArrival of a single filing's goods a minute ago at NL000396; returns the declaration after it."""
    arrive_time = timestamp_pb2.Timestamp()
    arrive_time.FromSeconds(int(time.time()) - 60)
    request = declaration_service_pb2.NotifyArrivalRequest(
        name=name, arrive_time=arrive_time, arrival_office="NL000396", request_id=str(uuid.uuid4())
    )
    try:
        declaration = stub.NotifyArrival(request, metadata=metadata, timeout=CALL_TIMEOUT_S).declaration
    except grpc.RpcError as error:
        raise ScenarioError(f"the arrival of {sample} was refused: {describe_rpc_error(error)}") from error
    if not declaration.clearance.HasField("arrive_time"):
        raise ScenarioError(f"{sample}: the node answered NotifyArrival without the recorded arrival")
    return declaration


def status_label(status):
    return enum_label(declaration_pb2.DeclarationStatus, status, "DECLARATION_STATUS_")


def clearance_label(declaration):
    return enum_label(lifecycle_pb2.ClearanceState, declaration.clearance.state, "CLEARANCE_STATE_")


def notify_arrival(stub, metadata, name, sample):
    """Assessed goods are released at once; otherwise the arrival is recorded and release waits."""
    declaration = arrive(stub, metadata, name, sample)
    status = enum_label(declaration_pb2.DeclarationStatus, declaration.status, "DECLARATION_STATUS_")
    security = enum_label(
        lifecycle_pb2.SecurityAssessmentState, declaration.security_assessment.state, "SECURITY_ASSESSMENT_STATE_"
    )
    clearance = enum_label(lifecycle_pb2.ClearanceState, declaration.clearance.state, "CLEARANCE_STATE_")
    print(f"ARRIVED {sample} status={status} security={security} clearance={clearance}", flush=True)


def print_data_set(data_sets, metadata, name, profile):
    """The declaration as one profile's data set (DataSetService, beta): one line with its completeness."""
    request = data_set_service_pb2.GetDeclarationDataSetRequest(name=name, profile=profile)
    try:
        data_set = data_sets.GetDeclarationDataSet(request, metadata=metadata, timeout=CALL_TIMEOUT_S).data_set
    except grpc.RpcError as error:
        raise ScenarioError(f"the {profile} data set of {name} was refused: {describe_rpc_error(error)}") from error
    complete = "true" if data_set.complete else "false"
    print(f"DATASET {data_set.profile} {data_set.profile_version} complete={complete} values={len(data_set.values)}", flush=True)


def submit_invalid(stub, parent, metadata, samples):
    request = declaration_service_pb2.SubmitDeclarationRequest(
        parent=parent, declaration=read_declaration(samples, INVALID_SAMPLE), request_id=str(uuid.uuid4())
    )
    try:
        response = stub.SubmitDeclaration(request, metadata=metadata, timeout=CALL_TIMEOUT_S)
    except grpc.RpcError as error:
        status = status_of(error)
        if status is None:
            raise ScenarioError(f"{INVALID_SAMPLE}: error without {STATUS_DETAILS_KEY}: {describe_rpc_error(error)}")
        info, violations = unpack_details(status)
        reason = info.reason if info is not None else "(no ErrorInfo)"
        domain = info.domain if info is not None else ""
        print(f"REJECTED {INVALID_SAMPLE} code={error.code().name} reason={reason} domain={domain}", flush=True)
        for violation in violations:
            print(f"VIOLATION {violation.field} : {violation.description}", flush=True)
        return
    raise ScenarioError(f"{INVALID_SAMPLE} was accepted as {response.declaration.name}; expected INVALID_ARGUMENT")


def bulk_submit(stub, parent, metadata, samples):
    items = read_declarations(samples, BULK_SAMPLE)
    requests = [
        declaration_service_pb2.BulkSubmitDeclarationsRequest(
            parent=parent, declaration=declaration, request_id=str(uuid.uuid4())
        )
        for _, declaration in items
    ]
    accepted, rejected = set(), []
    try:
        for response in stub.BulkSubmitDeclarations(iter(requests), metadata=metadata, timeout=BULK_TIMEOUT_S):
            if not 0 <= response.index < len(requests) or response.request_id != requests[response.index].request_id:
                raise ScenarioError(f"bulk answer for an unknown request: index {response.index}, id {response.request_id}")
            if response.WhichOneof("result") == "declaration":
                accepted.add(response.declaration.name)
            else:
                rejected.append(response)
    except grpc.RpcError as error:
        raise ScenarioError(f"bulk stream failed: {describe_rpc_error(error)}") from error
    if len(accepted) + len(rejected) != len(requests):
        raise ScenarioError(f"bulk stream answered {len(accepted) + len(rejected)} of {len(requests)} declarations")

    print(f"BULK accepted={len(accepted)} rejected={len(rejected)}", flush=True)
    for response in rejected:
        info, violations = unpack_details(response.error)
        reason = info.reason if info is not None else "(no ErrorInfo)"
        line = items[response.index][0]
        fields = ",".join(v.field for v in violations)
        print(f"BULK REJECTED index={response.index} line={line} reason={reason} fields={fields}", flush=True)
    return accepted


class Filing:
    """What multiple filing leaves for the next steps: the consignment, its houses by house
    transport document (what the carrier knows them by), and what its arrival asks to present."""

    def __init__(self, consignment, houses, items_to_present):
        self.consignment = consignment
        self.houses = houses  # house transport document -> declaration name
        self.items_to_present = items_to_present


def multiple_filing(carrier_stub, stub, parent, metadata, carrier, samples):
    """Multiple filing with two parties: the filer's houses name a master air waybill of this run
    (so the scenario can run again against the same node), each with its own house waybill; the
    carrier files the master after them, and the houses link to it whoever filed first."""
    carrier_metadata = ((FILER_HEADER, carrier),)
    master_document = f"176-{random.randrange(10**8):08d}"
    houses = {}
    for earbuds in (2, 20):  # 20 for EUR 39.98 is undervalued: a request for information
        # Ten digits like the sample's: the master's serial and the quantity, unique in this run.
        house_document = f"{master_document[4:]}{earbuds:02d}"
        house = read_declaration(samples, HOUSE_SAMPLE)
        house.transport_document.master_waybill = master_document
        house.transport_document.house_waybill = house_document
        house.items[0].quantity.value.value = str(earbuds)
        request = declaration_service_pb2.SubmitDeclarationRequest(parent=parent, declaration=house, request_id=str(uuid.uuid4()))
        recorded = stub.SubmitDeclaration(request, metadata=metadata, timeout=CALL_TIMEOUT_S).declaration
        status = enum_label(declaration_pb2.DeclarationStatus, recorded.status, "DECLARATION_STATUS_")
        link = enum_label(lifecycle_pb2.MasterConsignmentLinkState, recorded.master_consignment.state, "MASTER_CONSIGNMENT_LINK_STATE_")
        print(f"HOUSE {HOUSE_SAMPLE} earbuds={earbuds} status={status} master={link} hawb={house_document}", flush=True)
        houses[house_document] = recorded.name

    with open(os.path.join(samples, MASTER_SAMPLE), encoding="utf-8") as file:
        master = json_format.Parse(file.read(), consignment_pb2.Consignment())
    master.master_transport_document = master_document
    filed = carrier_stub.CreateConsignment(
        consignment_service_pb2.CreateConsignmentRequest(
            parent=f"filers/{carrier}", consignment_id=f"mawb-{master_document}", consignment=master
        ),
        metadata=carrier_metadata,
        timeout=CALL_TIMEOUT_S,
    ).consignment
    state = enum_label(consignment_pb2.ConsignmentState, filed.state, "CONSIGNMENT_STATE_")
    print(f"MASTER {MASTER_SAMPLE} state={state} carrier={carrier}", flush=True)

    for name in houses.values():
        house = stub.GetDeclaration(
            declaration_service_pb2.GetDeclarationRequest(name=name), metadata=metadata, timeout=CALL_TIMEOUT_S
        ).declaration
        for referral in house.referrals:
            if (
                referral.state == decision_pb2.REFERRAL_STATE_OPEN
                and referral.type == decision_pb2.REFERRAL_TYPE_REQUEST_FOR_INFORMATION
            ):
                answer = decision_pb2.ReferralResponse(
                    additional_information=decision_pb2.AdditionalInformation(
                        text="Clearance sale of a discontinued model; invoice attached."
                    )
                )
                stub.RespondToReferral(
                    declaration_service_pb2.RespondToReferralRequest(
                        name=referral.name, response=answer, request_id=str(uuid.uuid4())
                    ),
                    metadata=metadata,
                    timeout=CALL_TIMEOUT_S,
                )
                print("REFERRAL answered REQUEST_FOR_INFORMATION", flush=True)
        link = enum_label(lifecycle_pb2.MasterConsignmentLinkState, house.master_consignment.state, "MASTER_CONSIGNMENT_LINK_STATE_")
        print(f"LINKED {link} {house.master_consignment.consignment}", flush=True)

    listed = carrier_stub.ListConsignmentHouses(
        consignment_service_pb2.ListConsignmentHousesRequest(parent=filed.name), metadata=carrier_metadata, timeout=CALL_TIMEOUT_S
    ).houses
    statuses = ",".join(
        enum_label(declaration_pb2.DeclarationStatus, house.status, "DECLARATION_STATUS_") + ("+referral" if house.referral_open else "")
        for house in listed
    )
    print(f"HOUSES {len(listed)} {statuses}", flush=True)
    arrive_time = timestamp_pb2.Timestamp()
    arrive_time.FromSeconds(int(time.time()) - 60)
    arrival = carrier_stub.NotifyConsignmentArrival(
        consignment_service_pb2.NotifyConsignmentArrivalRequest(name=filed.name, arrive_time=arrive_time, arrival_office="NL000396"),
        metadata=carrier_metadata,
        timeout=CALL_TIMEOUT_S,
    )
    state = enum_label(consignment_pb2.ConsignmentState, arrival.consignment.state, "CONSIGNMENT_STATE_")
    reasons = ",".join(enum_label(consignment_pb2.ControlReason, item.reason, "CONTROL_REASON_") for item in arrival.items_to_present)
    print(
        f"CONSIGNMENT {state} arrived={arrival.houses_arrived} released={arrival.houses_released} "
        f"present={len(arrival.items_to_present)} {reasons}",
        flush=True,
    )
    return Filing(filed.name, houses, list(arrival.items_to_present))


def house_reference(house):
    """How the carrier names a house: its house transport document, or its S10 item identifier for a postal item."""
    return house.house_transport_document or house.item_identifier


def present_and_control(carrier_stub, carrier, officer_stub, officer, filing):
    """Each house the arrival listed is presented by the carrier, then controlled by a customs
    officer, who reads the declaration first for its current etag (the control is refused if it
    changed since). A satisfactory result releases the goods at once (no agency holds them here)."""
    if not filing.items_to_present:
        raise ScenarioError("the arrival listed no house to present, so presentation and control cannot be shown")
    carrier_metadata = ((FILER_HEADER, carrier),)
    officer_metadata = ((OFFICER_HEADER, officer),)
    for item in filing.items_to_present:
        reference = house_reference(item.house)
        name = filing.houses.get(reference)
        if name is None:
            raise ScenarioError(f"the arrival listed the house {reference!r}, which this scenario did not file")
        presented = carrier_stub.NotifyConsignmentPresentation(
            consignment_service_pb2.NotifyConsignmentPresentationRequest(name=filing.consignment, house_references=[reference]),
            metadata=carrier_metadata,
            timeout=CALL_TIMEOUT_S,
        ).houses
        if len(presented) != 1:
            raise ScenarioError(f"{reference}: NotifyConsignmentPresentation answered {len(presented)} houses for one")
        status = enum_label(declaration_pb2.DeclarationStatus, presented[0].status, "DECLARATION_STATUS_")
        clearance = enum_label(lifecycle_pb2.ClearanceState, presented[0].clearance_state, "CLEARANCE_STATE_")
        print(f"PRESENTED {reference} status={status} clearance={clearance}", flush=True)

        current = officer_stub.GetDeclaration(
            enforcement_service_pb2.GetDeclarationRequest(name=name), metadata=officer_metadata, timeout=CALL_TIMEOUT_S
        ).declaration
        controlled = officer_stub.RecordControlResult(
            enforcement_service_pb2.RecordControlResultRequest(
                name=name,
                outcome=lifecycle_pb2.CONTROL_OUTCOME_SATISFACTORY,
                remarks="Goods match the declaration.",
                etag=current.etag,
                request_id=str(uuid.uuid4()),
            ),
            metadata=officer_metadata,
            timeout=CALL_TIMEOUT_S,
        ).declaration
        status = enum_label(declaration_pb2.DeclarationStatus, controlled.status, "DECLARATION_STATUS_")
        clearance = enum_label(lifecycle_pb2.ClearanceState, controlled.clearance.state, "CLEARANCE_STATE_")
        print(f"CONTROLLED {reference} outcome=SATISFACTORY status={status} clearance={clearance}", flush=True)
        if controlled.status != declaration_pb2.DECLARATION_STATUS_RELEASED:
            raise ScenarioError(f"{reference}: a satisfactory control result left the house {status}, not RELEASED")


def read_notices(carrier_stub, carrier, filing, timeout_s):
    """The carrier's notices of this consignment, from the start of its history, one line each,
    until every house has its HOUSE_RELEASED notice (the release notice to the holder of the
    goods), or the deadline passes (the call's own deadline ends the stream)."""
    released, notices = set(), 0
    call = carrier_stub.WatchConsignmentEvents(
        consignment_service_pb2.WatchConsignmentEventsRequest(
            parent=f"filers/{carrier}", include_history=True, consignment=filing.consignment
        ),
        metadata=((FILER_HEADER, carrier),),
        timeout=timeout_s,
    )
    try:
        for response in call:
            event = response.event
            reference = house_reference(event.house)
            notices += 1
            print(f"NOTICE {enum_label(consignment_pb2.ConsignmentEventType, event.type, 'CONSIGNMENT_EVENT_TYPE_')} {reference}", flush=True)
            if event.type == HOUSE_RELEASED:
                released.add(reference)
            if released.issuperset(filing.houses):
                break
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
            raise ScenarioError(f"the carrier's notice watch failed: {describe_rpc_error(error)}") from error
    finally:
        call.cancel()
    print(f"NOTICES {notices} released={len(released)}/{len(filing.houses)}", flush=True)
    if len(released) < len(filing.houses):
        raise ScenarioError(
            f"the carrier's notices told the release of {len(released)} of {len(filing.houses)} houses within {timeout_s} s"
        )


def format_money(money):
    """"EUR 18.07": the code and the exact decimal (units and nanos, never a float), at least two decimals."""
    negative = money.units < 0 or money.nanos < 0
    fraction = f"{abs(money.nanos):09d}".rstrip("0").ljust(2, "0")
    return f"{money.currency_code} {'-' if negative else ''}{abs(money.units)}.{fraction}"


def single_filing_sale(samples, earbuds):
    """The express sample as a single filing of its own: no master waybill (no carrier's
    consignment, so the filer is the payer), a house waybill of this run, and `earbuds` earbuds
    (20 for EUR 39.98 is undervalued: the node holds it with a request for information)."""
    house_document = f"{random.randrange(10**10):010d}"
    declaration = read_declaration(samples, HOUSE_SAMPLE)
    declaration.transport_document.master_waybill = ""
    declaration.transport_document.house_waybill = house_document
    declaration.items[0].quantity.value.value = str(earbuds)
    return declaration, house_document


def submit(stub, parent, metadata, declaration):
    """Submits one declaration; returns it as recorded."""
    request = declaration_service_pb2.SubmitDeclarationRequest(parent=parent, declaration=declaration, request_id=str(uuid.uuid4()))
    try:
        return stub.SubmitDeclaration(request, metadata=metadata, timeout=CALL_TIMEOUT_S).declaration
    except grpc.RpcError as error:
        raise ScenarioError(f"{HOUSE_SAMPLE} was refused: {describe_rpc_error(error)}") from error


def pay(revenue, metadata, name, amount):
    """One payment (a new request id each: a retry with the same id would pay nothing twice);
    prints where it leaves the debt."""
    response = revenue.RecordPayment(
        revenue_service_pb2.RecordPaymentRequest(
            name=name, amount=amount, payment_reference=f"RCPT-{uuid.uuid4().hex[:8]}", request_id=str(uuid.uuid4())
        ),
        metadata=metadata,
        timeout=CALL_TIMEOUT_S,
    )
    state = enum_label(revenue_pb2.DutyAssessmentState, response.duty_assessment.state, "DUTY_ASSESSMENT_STATE_")
    print(
        f"PAID {format_money(amount)} state={state} balance={format_money(response.duty_assessment.balance)} "
        f"status={status_label(response.declaration_status)}",
        flush=True,
    )
    return response


def collect_on_delivery(stub, revenue, parent, metadata, samples):
    """Revenue (RevenueService, beta): collect on delivery makes release wait until the duties and
    taxes are paid (docs/revenue.md). The sale is filed without its IOSS number, so the VAT is due
    at importation as well as the duty. Once the goods arrive the node turns its estimate into the
    assessment (the debt); the filer, the payer of a single filing, reads it, has an over-payment
    refused (nothing is recorded), pays part, then the balance, which releases the goods in the
    same write. A node that has not assessed the declaration yet (an assessment delay) has no
    assessment to read: NOT_FOUND, and nothing can be paid. Returns the declaration's name."""
    declaration, house_document = single_filing_sale(samples, 2)
    declaration.ioss_number = ""
    declaration.payer_model = revenue_pb2.PAYER_MODEL_COLLECT_ON_DELIVERY
    filed = submit(stub, parent, metadata, declaration)
    print(f"COD {HOUSE_SAMPLE} payer_model=COLLECT_ON_DELIVERY status={status_label(filed.status)} hawb={house_document}", flush=True)
    arrived = arrive(stub, metadata, filed.name, HOUSE_SAMPLE)
    print(f"COD ARRIVED status={status_label(arrived.status)} clearance={clearance_label(arrived)}", flush=True)

    name = f"{filed.name}/dutyAssessment"
    try:
        assessment = revenue.GetDutyAssessment(
            revenue_service_pb2.GetDutyAssessmentRequest(name=name), metadata=metadata, timeout=CALL_TIMEOUT_S
        ).duty_assessment
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
        status = status_of(error)
        info = unpack_details(status)[0] if status is not None else None
        print(f"DUTY not assessed yet code=NOT_FOUND reason={info.reason if info is not None else '(no ErrorInfo)'}", flush=True)
        return filed.name
    state = enum_label(revenue_pb2.DutyAssessmentState, assessment.state, "DUTY_ASSESSMENT_STATE_")
    awaits = "true" if assessment.release_awaits_payment else "false"
    print(f"DUTY state={state} payer={assessment.payer} due={format_money(assessment.amount_due)} release_awaits_payment={awaits}", flush=True)
    for line in assessment.lines:
        tax_type = enum_label(decision_pb2.TaxType, line.tax_type, "TAX_TYPE_")
        print(f"DUTY LINE {tax_type} {format_money(line.amount)} source={line.legal_source}", flush=True)

    # An over-payment is refused (FAILED_PRECONDITION PAYMENT_EXCEEDS_BALANCE, the field `amount`), nothing recorded.
    balance = assessment.balance
    try:
        pay(revenue, metadata, name, money_pb2.Money(currency_code=balance.currency_code, units=balance.units + 1))
        raise ScenarioError(f"{name}: the node accepted a payment above the balance")
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
            raise
        status = status_of(error)
        info, violations = unpack_details(status) if status is not None else (None, [])
        reason = info.reason if info is not None else "(no ErrorInfo)"
        print(f"OVERPAYMENT refused code={error.code().name} reason={reason} fields={','.join(v.field for v in violations)}", flush=True)

    # Half the balance in whole units, then whatever the node says is left.
    paid = pay(revenue, metadata, name, money_pb2.Money(currency_code=balance.currency_code, units=balance.units // 2))
    paid = pay(revenue, metadata, name, paid.duty_assessment.balance)
    if paid.declaration_status != declaration_pb2.DECLARATION_STATUS_RELEASED:
        raise ScenarioError(f"{name}: paying the balance left the goods {status_label(paid.declaration_status)}, not RELEASED")
    released = stub.GetDeclaration(
        declaration_service_pb2.GetDeclarationRequest(name=filed.name), metadata=metadata, timeout=CALL_TIMEOUT_S
    ).declaration
    print(f"COD PAID status={status_label(released.status)} clearance={clearance_label(released)}", flush=True)
    return filed.name


def return_to_sender(stub, officer_stub, parent, metadata, officer, samples):
    """Disposition (EnforcementService.RecordDisposition, beta): the undervalued sale is held with
    a request for information; its goods arrive; a customs officer, on the declaration's current
    etag, returns them to the sender, on a legal basis (the officer's: the node keeps no list of
    provisions) and with the return shipment's own waybill. The filer reads the disposition on its
    declaration (and, last, on its watch). Only held goods can be disposed of: on a node that has
    not assessed the sale yet it is not held, and the step says so instead.
    Returns (the declaration's name, whether it was disposed of)."""
    declaration, house_document = single_filing_sale(samples, 20)
    filed = submit(stub, parent, metadata, declaration)
    print(f"DISPOSAL {HOUSE_SAMPLE} earbuds=20 status={status_label(filed.status)} hawb={house_document}", flush=True)
    arrived = arrive(stub, metadata, filed.name, HOUSE_SAMPLE)
    print(f"DISPOSAL ARRIVED status={status_label(arrived.status)} clearance={clearance_label(arrived)}", flush=True)
    if arrived.status != declaration_pb2.DECLARATION_STATUS_HELD:
        print(f"DISPOSITION skipped status={status_label(arrived.status)}: only goods customs holds can be disposed of", flush=True)
        return filed.name, False

    officer_metadata = ((OFFICER_HEADER, officer),)
    current = officer_stub.GetDeclaration(
        enforcement_service_pb2.GetDeclarationRequest(name=filed.name), metadata=officer_metadata, timeout=CALL_TIMEOUT_S
    ).declaration
    disposed = officer_stub.RecordDisposition(
        enforcement_service_pb2.RecordDispositionRequest(
            name=filed.name,
            type=disposition_pb2.DISPOSITION_TYPE_RETURNED_TO_SENDER,
            legal_basis=disposition_pb2.LegalBasis(
                code="ART-198", citation="Article 198 of the national customs act (return of goods to the sender)"
            ),
            reason="Declared value far below the goods' value; no invoice supports it.",
            return_item_identifier=f"{random.randrange(10**10):010d}",
            etag=current.etag,
            request_id=str(uuid.uuid4()),
        ),
        metadata=officer_metadata,
        timeout=CALL_TIMEOUT_S,
    ).declaration
    print(f"DISPOSITION RETURNED_TO_SENDER status={status_label(disposed.status)} clearance={clearance_label(disposed)}", flush=True)

    seen = stub.GetDeclaration(
        declaration_service_pb2.GetDeclarationRequest(name=filed.name), metadata=metadata, timeout=CALL_TIMEOUT_S
    ).declaration
    if not seen.HasField("disposition"):
        raise ScenarioError(f"{filed.name}: the filer's declaration shows no disposition")
    disposition = seen.disposition
    kind = enum_label(disposition_pb2.DispositionType, disposition.type, "DISPOSITION_TYPE_")
    deadline = disposition.appeal_deadline.ToJsonString() if disposition.HasField("appeal_deadline") else ""
    print(
        f"DISPOSED {kind} status={status_label(seen.status)} legal_basis={disposition.legal_basis.code} "
        f"return={disposition.return_item_identifier} notices={len(disposition.notices)} appeal_deadline={deadline}",
        flush=True,
    )
    return filed.name, True


def agency_journey(stub, agency_stub, parent, metadata, agency, samples):
    """Agency (AgencyService and RespondToAgencyRequest, beta): a partner government agency sees
    only the goods its subscriptions flag to it, so for the length of this step it subscribes to
    the HS subheading of the postal gift's scarf (611710) with hold_for_review, which holds
    matching goods when the node assesses them. Subscriptions are node-wide (every filer's scarves
    would be held), so the step deletes it again, whatever happens. The agency asks the filer for
    information, the filer reads the OPEN request on its declaration and answers it, and the
    agency lets the goods proceed (MAY_PROCEED lifts its hold; before arrival they are ASSESSED).
    A node that has not assessed the gift yet (an assessment delay) has not flagged it, so there
    is nothing to ask. Returns the declaration's name."""
    agency_metadata = ((AGENCY_HEADER, agency),)
    agency_name = f"agencies/{agency}"
    subscription = agency_stub.CreateSubscription(
        agency_service_pb2.CreateSubscriptionRequest(
            parent=agency_name,
            subscription_id=f"scenario-{uuid.uuid4().hex[:8]}",
            subscription=agency_service_pb2.Subscription(
                hs_prefixes=[AGENCY_HS_PREFIX], description="Textiles: the sample scenario's agency step", hold_for_review=True
            ),
        ),
        metadata=agency_metadata,
        timeout=CALL_TIMEOUT_S,
    ).subscription
    hold = "true" if subscription.hold_for_review else "false"
    print(f"AGENCY SUBSCRIBED {agency_name} hs={AGENCY_HS_PREFIX} hold_for_review={hold}", flush=True)
    try:
        filed = submit(stub, parent, metadata, read_declaration(samples, VALID_SAMPLES[0]))
        print(f"AGENCY FILED {VALID_SAMPLES[0]} status={status_label(filed.status)}", flush=True)
        if filed.status != declaration_pb2.DECLARATION_STATUS_HELD:
            print(f"AGENCY skipped status={status_label(filed.status)}: the node flags goods to an agency when it assesses them", flush=True)
            return filed.name

        agency_stub.CreateAgencyRequest(
            agency_service_pb2.CreateAgencyRequestRequest(
                declaration=filed.name,
                agency=agency_name,
                request_text="Send the fibre composition of the scarf.",
                request_id=str(uuid.uuid4()),
            ),
            metadata=agency_metadata,
            timeout=CALL_TIMEOUT_S,
        )
        current = stub.GetDeclaration(
            declaration_service_pb2.GetDeclarationRequest(name=filed.name), metadata=metadata, timeout=CALL_TIMEOUT_S
        ).declaration
        request = next((r for r in current.agency_requests if r.state == decision_pb2.AGENCY_REQUEST_STATE_OPEN), None)
        if request is None:
            raise ScenarioError(f"{filed.name}: the filer sees no OPEN agency request")
        state = enum_label(decision_pb2.AgencyRequestState, request.state, "AGENCY_REQUEST_STATE_")
        print(f"AGENCY REQUEST {state} {request.agency}", flush=True)

        answered = stub.RespondToAgencyRequest(
            declaration_service_pb2.RespondToAgencyRequestRequest(
                name=request.name,
                response=decision_pb2.AdditionalInformation(text="100 % wool, hand-knitted."),
                request_id=str(uuid.uuid4()),
            ),
            metadata=metadata,
            timeout=CALL_TIMEOUT_S,
        ).declaration
        answer = next((r for r in answered.agency_requests if r.name == request.name), None)
        state = enum_label(decision_pb2.AgencyRequestState, answer.state if answer is not None else 0, "AGENCY_REQUEST_STATE_")
        print(f"AGENCY ANSWERED {state} status={status_label(answered.status)}", flush=True)

        decided = agency_stub.RecordAgencyDecision(
            agency_service_pb2.RecordAgencyDecisionRequest(
                declaration=filed.name,
                agency=agency_name,
                decision=decision_pb2.AGENCY_DECISION_MAY_PROCEED,
                reason="Composition as declared.",
                request_id=str(uuid.uuid4()),
            ),
            metadata=agency_metadata,
            timeout=CALL_TIMEOUT_S,
        ).declaration
        print(f"AGENCY DECIDED MAY_PROCEED status={status_label(decided.status)}", flush=True)
        return filed.name
    finally:
        agency_stub.DeleteSubscription(
            agency_service_pb2.DeleteSubscriptionRequest(name=subscription.name), metadata=agency_metadata, timeout=CALL_TIMEOUT_S
        )
        print("AGENCY UNSUBSCRIBED", flush=True)


def open_channel(server):
    options = []
    host = server.rsplit(":", 1)[0].strip("[]")
    try:
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            options.append(("grpc.enable_http_proxy", 0))  # never send a loopback call to a proxy
    except ValueError:
        pass
    return grpc.insecure_channel(server, options=options)  # h2c: HTTP/2 without TLS


def run(args):
    if not os.path.isdir(args.samples):
        raise ScenarioError(f"no samples folder at {args.samples}")
    parent = f"filers/{args.filer}"
    metadata = ((FILER_HEADER, args.filer),)
    with open_channel(args.server) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=CALL_TIMEOUT_S)
        except grpc.FutureTimeoutError as error:
            raise ScenarioError(f"cannot connect to {args.server} within {CALL_TIMEOUT_S} s") from error
        print(f"CONNECTED {args.server} as {parent}", flush=True)
        stub = declaration_service_pb2_grpc.DeclarationServiceStub(channel)

        watch = EventWatch(stub, parent, metadata)
        print("WATCH started include_history=true", flush=True)
        try:
            valid = submit_valid(stub, parent, metadata, args.samples)
            accepted = set(valid)
            submit_invalid(stub, parent, metadata, args.samples)
            accepted |= bulk_submit(stub, parent, metadata, args.samples)
            print_data_set(data_set_service_pb2_grpc.DataSetServiceStub(channel), metadata, valid[0], "UPU-CN23")
            notify_arrival(stub, metadata, valid[0], VALID_SAMPLES[0])
            carrier_stub = consignment_service_pb2_grpc.ConsignmentServiceStub(channel)
            filing = multiple_filing(carrier_stub, stub, parent, metadata, args.carrier, args.samples)
            accepted |= set(filing.houses.values())
            officer_stub = enforcement_service_pb2_grpc.EnforcementServiceStub(channel)
            present_and_control(carrier_stub, args.carrier, officer_stub, args.officer, filing)
            read_notices(carrier_stub, args.carrier, filing, args.events_timeout)
            revenue = revenue_service_pb2_grpc.RevenueServiceStub(channel)
            accepted.add(collect_on_delivery(stub, revenue, parent, metadata, args.samples))
            returned, disposed = return_to_sender(stub, officer_stub, parent, metadata, args.officer, args.samples)
            accepted.add(returned)
            agency_stub = agency_service_pb2_grpc.AgencyServiceStub(channel)
            accepted.add(agency_journey(stub, agency_stub, parent, metadata, args.agency, args.samples))
            seen = watch.wait_for_accepted(accepted, args.events_timeout)
            print(f"EVENTS {seen}", flush=True)
            if seen != len(accepted):
                raise ScenarioError(
                    f"the watch delivered ACCEPTED events for {seen} of {len(accepted)} accepted "
                    f"declarations within {args.events_timeout} s"
                )
            if disposed:
                disposition = watch.wait_for_disposed(returned, args.events_timeout)
                if disposition is None:
                    raise ScenarioError(f"the watch delivered no DISPOSED event for {returned} within {args.events_timeout} s")
                kind = enum_label(disposition_pb2.DispositionType, disposition.type, "DISPOSITION_TYPE_")
                print(f"WATCH DISPOSED {kind} legal_basis={disposition.legal_basis.code}", flush=True)
        finally:
            watch.cancel()
    print("DONE", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--server", default="127.0.0.1:5080", help="host:port of the node's gRPC (h2c) endpoint")
    parser.add_argument("--filer", default="py-demo", help="filer id, sent as x-exchange-filer")
    parser.add_argument("--carrier", help="the carrier filing the master consignment (default: the filer's id with -carrier)")
    parser.add_argument(
        "--officer", help="the customs officer recording control results, sent as x-exchange-officer (default: the filer's id with -officer)"
    )
    parser.add_argument(
        "--agency", help="the partner government agency of the agency step, sent as x-exchange-agency (default: the filer's id with -agency)"
    )
    parser.add_argument(
        "--samples",
        default=os.path.join(HERE, "..", "csharp", "Exchange.Client", "samples"),
        help="folder of the sample declarations",
    )
    parser.add_argument(
        "--events-timeout", type=float, default=30, help="seconds to wait for the watches' ACCEPTED events and HOUSE_RELEASED notices"
    )
    args = parser.parse_args(argv)
    args.carrier = args.carrier or f"{args.filer}-carrier"
    args.officer = args.officer or f"{args.filer}-officer"
    args.agency = args.agency or f"{args.filer}-agency"
    try:
        run(args)
    except ScenarioError as error:
        print(f"FAILED {error}", flush=True)
        return 1
    except grpc.RpcError as error:
        print(f"FAILED unexpected gRPC error {describe_rpc_error(error)}", flush=True)
        return 1
    except Exception as error:  # noqa: BLE001 - the scenario reports any failure and exits 1
        print(f"FAILED {type(error).__name__}: {error}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
