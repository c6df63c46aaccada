// The performance dashboard: reads GET /v1/reports/performance (gRPC JSON transcoding of
// exchange.reporting.v1.ReportingService.GetPerformanceReport) and shows the measures against
// their targets, with inline SVG charts. Plain JavaScript, no libraries, nothing loaded from
// elsewhere. Every figure carries the exact value the node returned in data-value (proto3 JSON:
// int64 as strings, doubles as numbers, google.type.Money as units + nanos), next to its
// human-formatted text; <body data-state> says "loading", "ready" or "error".
'use strict';

(() => {
  const REPORT_PATH = '/v1/reports/performance';
  const OFFICER_HEADER = 'x-exchange-officer';
  const SVG = 'http://www.w3.org/2000/svg';

  // The measures of exchange.reporting.v1.Measures, by field name, in display order.
  // kind: how the value is written; per: the count that tells whether the measure had data.
  const MEASURES = [
    { name: 'declarations_received', label: 'Declarations received', kind: 'count', key: true },
    { name: 'release_rate', label: 'Release rate', kind: 'share', per: 'declarations_decided', key: true },
    { name: 'decision_time_median_seconds', label: 'Decision time, median', kind: 'seconds', per: 'declarations_decided', key: true },
    { name: 'decision_time_p90_seconds', label: 'Decision time, 90th percentile', kind: 'seconds', per: 'declarations_decided', key: true },
    { name: 'filer_compliance_rate', label: 'Filer compliance', kind: 'share', per: 'declarations_received', key: true },
    { name: 'duty_estimated', label: 'Duty estimated', kind: 'money', key: true },
    { name: 'tax_estimated', label: 'Tax estimated', kind: 'money', key: true },
    { name: 'declarations_decided', label: 'Declarations decided', kind: 'count' },
    { name: 'hold_rate', label: 'Hold rate', kind: 'share', per: 'declarations_decided' },
    { name: 'reject_rate', label: 'Reject rate', kind: 'share', per: 'declarations_decided' },
    { name: 'complete_advance_data_share', label: 'Complete advance data', kind: 'share', per: 'declarations_received' },
    { name: 'agency_holds', label: 'Agency holds', kind: 'count' },
    { name: 'referrals_answered', label: 'Referrals answered', kind: 'count' },
    { name: 'referral_response_time_median_seconds', label: 'Referral response time, median', kind: 'seconds', per: 'referrals_answered' },
    { name: 'revenue_assessed', label: 'Revenue assessed', kind: 'money', key: true },
    { name: 'revenue_collected', label: 'Revenue collected', kind: 'money', key: true },
    { name: 'revenue_collection_rate', label: 'Revenue collected, share of assessed', kind: 'share', per: 'revenue_assessed' },
    // Referrals by type (ICS2: a request for information is answered with IE3R02, an HRCM screening request with IE3R03).
    { name: 'information_referrals_answered', label: 'Requests for information answered', kind: 'count' },
    { name: 'information_response_time_median_seconds', label: 'Information answer time, median', kind: 'seconds', per: 'information_referrals_answered' },
    { name: 'screening_referrals_answered', label: 'HRCM screenings answered', kind: 'count' },
    { name: 'screening_response_time_median_seconds', label: 'Screening answer time, median', kind: 'seconds', per: 'screening_referrals_answered' },
    // Postal items that arrived with no advance data (the US STOP Act requires it for every item).
    { name: 'postal_items_without_advance_data', label: 'Postal items without advance data', kind: 'count', key: true },
    { name: 'postal_no_advance_data_share', label: 'Postal items without advance data, share', kind: 'share', key: true },
    { name: 'seizures', label: 'Seizures', kind: 'count' },
    { name: 'returns_to_sender', label: 'Returns to sender', kind: 'count' },
    { name: 'seizure_rate', label: 'Seizure rate', kind: 'share', per: 'declarations_decided' },
    { name: 'return_rate', label: 'Return rate', kind: 'share', per: 'declarations_decided' },
  ];
  // Measures.dispositions_by_reason: DispositionType names as proto3 JSON writes them, and their words.
  const DISPOSITIONS = {
    DISPOSITION_TYPE_SEIZED: 'Seized',
    DISPOSITION_TYPE_ABANDONED: 'Abandoned',
    DISPOSITION_TYPE_DESTROYED: 'Destroyed',
    DISPOSITION_TYPE_RETURNED_TO_SENDER: 'Returned to sender',
    DISPOSITION_TYPE_INVALIDATED: 'Invalidated (Do Not Load)',
  };
  const MEASURE_BY_NAME = new Map(MEASURES.map((m) => [m.name, m]));

  const PERIODS = { hour: 'PERIOD_HOUR', day: 'PERIOD_DAY', month: 'PERIOD_MONTH' };
  const GROUPINGS = {
    none: 'GROUP_BY_UNSPECIFIED',
    channel: 'GROUP_BY_CHANNEL',
    'origin-country': 'GROUP_BY_ORIGIN_COUNTRY',
    filer: 'GROUP_BY_FILER',
  };
  // google.rpc.Code names, by number.
  const CODES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
    'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED',
    'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
  // Distinguishable on white and for the common colour-vision deficiencies (Okabe-Ito).
  const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000', '#f0e442'];
  const DAY_MS = 86400000;

  const $ = (id) => document.getElementById(id);
  let inFlight = null;

  // ---- the request ---------------------------------------------------------------------

  /** The dashboard's query (?officer=&period=&from=&to=&groupBy=), with defaults: last 30 days, by day. */
  function readQuery(search) {
    const params = new URLSearchParams(search);
    const today = isoDate(new Date());
    const to = validDate(params.get('to')) || today;
    const from = validDate(params.get('from')) || isoDate(new Date(Date.parse(to + 'T00:00:00Z') - 29 * DAY_MS));
    const period = Object.hasOwn(PERIODS, params.get('period') || '') ? params.get('period') : 'day';
    const groupBy = Object.hasOwn(GROUPINGS, params.get('groupBy') || '') ? params.get('groupBy') : 'none';
    return { officer: (params.get('officer') || '').trim(), period, from, to, groupBy };
  }

  function validDate(value) {
    return value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value + 'T00:00:00Z')) ? value : null;
  }

  function isoDate(date) {
    return date.toISOString().slice(0, 10);
  }

  /** The report range in UTC: from the first day to the end of the last (exclusive); whole months by month. */
  function rangeOf(query) {
    let start = new Date(query.from + 'T00:00:00Z');
    let end = new Date(Date.parse(query.to + 'T00:00:00Z') + DAY_MS);
    if (query.period === 'month') {
      start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
      const last = new Date(end.getTime() - DAY_MS);
      end = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1));
    }
    return { start, end };
  }

  function rfc3339(date) {
    return date.toISOString().replace('.000Z', 'Z');
  }

  function toQueryString(query) {
    const params = new URLSearchParams();
    if (query.officer) params.set('officer', query.officer);
    params.set('period', query.period);
    params.set('from', query.from);
    params.set('to', query.to);
    if (query.groupBy !== 'none') params.set('groupBy', query.groupBy);
    return '?' + params.toString();
  }

  async function load(query) {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    const range = rangeOf(query);
    const request = {
      period: PERIODS[query.period],
      startTime: rfc3339(range.start),
      endTime: rfc3339(range.end),
      groupBy: GROUPINGS[query.groupBy],
    };
    const body = document.body;
    body.dataset.state = 'loading';
    body.dataset.period = request.period;
    body.dataset.startTime = request.startTime;
    body.dataset.endTime = request.endTime;
    body.dataset.groupBy = request.groupBy;
    $('main').setAttribute('aria-busy', 'true');
    $('status').textContent = 'Loading the report…';
    hideError();

    const params = new URLSearchParams({ period: request.period, startTime: request.startTime, endTime: request.endTime });
    if (query.groupBy !== 'none') params.set('groupBy', request.groupBy);
    const headers = { Accept: 'application/json' };
    if (query.officer) headers[OFFICER_HEADER] = query.officer;

    let response;
    let text;
    try {
      response = await fetch(REPORT_PATH + '?' + params.toString(), { headers, signal: controller.signal, cache: 'no-store' });
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) return;
      fail({ message: 'The node could not be reached: ' + (error && error.message ? error.message : String(error)) });
      return;
    }
    if (controller.signal.aborted) return;
    inFlight = null;
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok || json === null) {
      fail(describeFailure(response, json));
      return;
    }
    try {
      render(json, request, query);
    } catch (error) {
      fail({ message: 'The report could not be shown: ' + (error && error.message ? error.message : String(error)) });
      return;
    }
    $('main').removeAttribute('aria-busy');
    const windows = new Set((json.rows || []).map((row) => row.windowStart)).size;
    $('status').textContent = `Report loaded: ${formatCount(json.total ? json.total.declarationsReceived : '0')} declarations `
      + `in ${windows} ${windows === 1 ? 'window' : 'windows'} with data, ${(json.targets || []).length} targets.`;
    body.dataset.state = 'ready';
  }

  /** A readable failure from a google.rpc.Status body (or from the bare HTTP status when there is none). */
  function describeFailure(response, status) {
    if (status && typeof status === 'object' && typeof status.message === 'string') {
      const code = typeof status.code === 'number' ? (CODES[status.code] || String(status.code)) : '';
      const details = Array.isArray(status.details) ? status.details : [];
      const info = details.find((d) => d && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.ErrorInfo'));
      const badRequest = details.find((d) => d && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.BadRequest'));
      const violations = badRequest && Array.isArray(badRequest.fieldViolations)
        ? badRequest.fieldViolations.map((v) => `${v.field}: ${v.description}`)
        : [];
      let hint = '';
      if (code === 'UNAUTHENTICATED') hint = 'Enter your officer id above.';
      else if (code === 'PERMISSION_DENIED') hint = 'Only officers may read performance reports.';
      else if (code === 'UNIMPLEMENTED') hint = 'This node does not serve performance reports yet.';
      return { message: status.message, code, reason: info && info.reason ? info.reason : '', violations, hint, http: response.status };
    }
    if (response.status === 404) {
      return { message: `This node does not serve ${REPORT_PATH} (HTTP 404): the reporting service is not available.`, http: 404 };
    }
    return { message: `The node answered HTTP ${response.status} ${response.statusText} without a report.`, http: response.status };
  }

  function fail(failure) {
    inFlight = null;
    clearReport();
    const box = $('error');
    box.replaceChildren();
    const message = element('p', { class: 'error-message' }, failure.message);
    if (failure.code) message.dataset.errorCode = failure.code;
    if (failure.reason) message.dataset.errorReason = failure.reason;
    box.append(element('h2', {}, 'The report could not be loaded'), message);
    if (failure.violations && failure.violations.length) {
      box.append(element('ul', {}, failure.violations.map((v) => element('li', {}, v))));
    }
    const facts = [failure.code, failure.reason, failure.http ? `HTTP ${failure.http}` : ''].filter(Boolean).join(' · ');
    if (failure.hint || facts) {
      box.append(element('p', { class: 'error-detail' }, [failure.hint, facts ? `(${facts})` : ''].filter(Boolean).join(' ')));
    }
    box.hidden = false;
    $('main').hidden = true;
    $('status').textContent = 'The report could not be loaded.';
    $('main').removeAttribute('aria-busy');
    document.body.dataset.state = 'error';
    if (failure.code === 'UNAUTHENTICATED') $('officer').focus();
  }

  function hideError() {
    $('error').hidden = true;
    $('error').replaceChildren();
  }

  function clearReport() {
    $('key-figures').replaceChildren();
    $('targets').tBodies[0].replaceChildren();
    $('windows').tBodies[0].replaceChildren();
    $('dispositions').tBodies[0].replaceChildren();
    for (const id of ['chart-received', 'chart-release-rate', 'chart-decision-time', 'legend']) $(id).replaceChildren();
    $('range-label').textContent = '';
    $('compute-time').textContent = '—';
    $('compute-time').removeAttribute('datetime');
  }

  // ---- values: exact and formatted ------------------------------------------------------

  function camel(name) {
    return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  }

  /** The measure as JSON gave it (proto3 JSON omits zero values). */
  function raw(measures, name) {
    const value = measures ? measures[camel(name)] : undefined;
    return value === undefined || value === null ? null : value;
  }

  /** The exact value, as text: int64 strings and doubles as written by the node, money as a decimal. */
  function exact(measure, value) {
    if (measure.kind === 'money') return moneyDecimal(value);
    if (value === null) return '0';
    return String(value);
  }

  /** google.type.Money as an exact decimal string (units + nanos / 10^9), e.g. "12.5". */
  function moneyDecimal(money) {
    if (!money) return '0';
    const units = String(money.units ?? '0');
    const nanos = Number(money.nanos ?? 0);
    const negative = units.startsWith('-') || nanos < 0;
    const whole = units.replace('-', '');
    const fraction = String(Math.abs(nanos)).padStart(9, '0').replace(/0+$/, '');
    const text = whole + (fraction ? '.' + fraction : '');
    return negative && text !== '0' ? '-' + text : text;
  }

  function formatCount(value) {
    return new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(Number(value ?? 0));
  }

  function formatShare(value) {
    return new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
      .format(Number(value ?? 0));
  }

  function formatSeconds(value) {
    const seconds = Number(value ?? 0);
    if (!Number.isFinite(seconds)) return String(seconds);
    const number = (n, digits) => new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(n);
    const pair = (big, bigUnit, small, smallUnit) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
    if (seconds === 0) return '0 s';
    if (seconds < 1) return `${number(seconds * 1000, 0)} ms`;
    if (seconds < 60) return `${number(seconds, 1)} s`;
    const whole = Math.round(seconds);
    if (whole < 3600) return pair(Math.floor(whole / 60), 'min', whole % 60, 's');
    const minutes = Math.round(seconds / 60);
    if (minutes < 1440) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
    const hours = Math.round(seconds / 3600);
    return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
  }

  function formatMoney(money) {
    const amount = Number(moneyDecimal(money));
    const currency = money && money.currencyCode ? money.currencyCode : '';
    if (currency) {
      try {
        return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
      } catch {
        // Not a currency the browser knows: the code and the number.
      }
    }
    const number = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
    return currency ? `${currency} ${number}` : number;
  }

  function format(measure, value) {
    switch (measure && measure.kind) {
      case 'count': return formatCount(value);
      case 'share': return formatShare(value);
      case 'seconds': return formatSeconds(value);
      case 'money': return formatMoney(value);
      default: return String(value ?? 0);
    }
  }

  /** Whether a measure had data (its denominator is not zero). */
  function hasData(measure, measures) {
    if (!measure.per) return true;
    const per = raw(measures, measure.per);
    // A share of an amount (revenue collected of assessed) has data when the amount is not zero.
    const whole = MEASURE_BY_NAME.get(measure.per)?.kind === 'money' ? moneyDecimal(per) : per;
    return Number(whole ?? 0) > 0;
  }

  // ---- rendering -------------------------------------------------------------------------

  function render(report, request, query) {
    clearReport();
    $('main').hidden = false;
    const range = $('range-label');
    const lastDay = isoDate(new Date(Date.parse(request.endTime) - DAY_MS));
    range.textContent = `${request.startTime.slice(0, 10)} to ${lastDay} (UTC), by ${query.period}`
      + (query.groupBy === 'none' ? '' : `, per ${query.groupBy.replace('-', ' ')}`);
    renderKeyFigures(report.total || {});
    renderTargets(report.targets || []);
    renderDispositions((report.total || {}).dispositionsByReason || []);
    const rows = report.rows || [];
    const windows = windowsOf(request, rows);
    const groups = groupsOf(rows);
    renderCharts(windows, groups, rows, query.period);
    renderWindowTable(rows, query.period);
    if (report.computeTime) {
      $('compute-time').textContent = report.computeTime;
      $('compute-time').setAttribute('datetime', report.computeTime);
    }
  }

  function renderKeyFigures(total) {
    const list = $('key-figures');
    for (const measure of MEASURES) {
      const value = raw(total, measure.name);
      const figure = element('div', { class: measure.key ? 'figure key' : 'figure' });
      const data = element('dd', {}, hasData(measure, total) ? format(measure, value) : 'no data');
      data.dataset.measure = measure.name;
      data.dataset.value = exact(measure, value);
      data.dataset.hasData = String(hasData(measure, total));
      if (measure.kind === 'money') data.dataset.currency = value && value.currencyCode ? value.currencyCode : '';
      if (!hasData(measure, total)) data.classList.add('empty');
      figure.append(element('dt', {}, measure.label), data);
      list.append(figure);
    }
  }

  function renderTargets(targets) {
    const body = $('targets').tBodies[0];
    if (targets.length === 0) {
      const cell = element('td', { colspan: '5' }, 'No targets are configured on this node.');
      body.append(element('tr', {}, [cell]));
      return;
    }
    for (const target of targets) {
      const measure = MEASURE_BY_NAME.get(target.measure);
      const higher = target.higherIsBetter === true;
      const met = target.met === true;
      const row = element('tr', { class: met ? 'met' : 'not-met' });
      row.dataset.measure = target.measure;
      row.dataset.met = String(met);
      const name = element('th', { scope: 'row' }, [
        element('span', {}, measure ? measure.label : target.measure),
        element('code', { class: 'measure-name' }, target.measure),
      ]);
      const goal = valueCell('target', measure, target.target, (higher ? '≥ ' : '≤ '));
      goal.append(element('span', { class: 'visually-hidden' }, higher ? ' (higher is better)' : ' (lower is better)'));
      goal.dataset.higherIsBetter = String(higher);
      const baseline = valueCell('baseline', measure, target.baseline, '');
      if (target.baselinePeriod) {
        baseline.append(element('small', { class: 'period' }, target.baselinePeriod.replace('/', ' to ')));
        baseline.dataset.baselinePeriod = target.baselinePeriod;
      }
      const current = valueCell('current', measure, target.current, '');
      const status = element('td', { class: 'verdict' }, [
        element('span', { class: 'badge', 'aria-hidden': 'true' }, met ? '✔' : '✘'),
        element('span', {}, met ? ' Met' : ' Not met'),
      ]);
      status.dataset.field = 'met';
      status.dataset.value = String(met);
      row.append(name, goal, baseline, current, status);
      body.append(row);
    }
  }

  /** The dispositions of the range by type and legal basis code, in the node's order (most frequent first). */
  function renderDispositions(counts) {
    const body = $('dispositions').tBodies[0];
    if (counts.length === 0) {
      body.append(element('tr', {}, [element('td', { colspan: '3' }, 'No seizures, returns or other dispositions in this range.')]));
      return;
    }
    for (const count of counts) {
      const type = count.type || 'DISPOSITION_TYPE_UNSPECIFIED';
      const code = count.legalBasisCode || '';
      const row = element('tr', {});
      row.dataset.type = type;
      row.dataset.code = code;
      const number = element('td', { class: 'number' }, formatCount(count.count));
      number.dataset.value = String(count.count ?? '0');
      row.append(
        element('th', { scope: 'row' }, DISPOSITIONS[type] || type),
        code ? element('td', {}, [element('code', {}, code)]) : element('td', { class: 'empty' }, 'none recorded'),
        number);
      body.append(row);
    }
  }

  function valueCell(field, measure, value, prefix) {
    const cell = element('td', { class: 'number' }, prefix + (measure ? format(measure, value) : String(value ?? 0)));
    cell.dataset.field = field;
    cell.dataset.value = String(value ?? 0);
    return cell;
  }

  function renderWindowTable(rows, period) {
    const body = $('windows').tBodies[0];
    if (rows.length === 0) {
      body.append(element('tr', {}, [element('td', { colspan: '8' }, 'No declarations in this range.')]));
      return;
    }
    const columns = ['declarations_received', 'declarations_decided', 'release_rate', 'decision_time_median_seconds',
      'decision_time_p90_seconds', 'filer_compliance_rate'];
    for (const row of rows) {
      const tr = element('tr', {});
      tr.dataset.windowStart = row.windowStart;
      tr.dataset.group = row.group || '';
      tr.append(element('th', { scope: 'row' }, windowLabel(Date.parse(row.windowStart), period)), element('td', {}, row.group || 'All'));
      for (const name of columns) {
        const measure = MEASURE_BY_NAME.get(name);
        const value = raw(row.measures, name);
        const cell = element('td', { class: 'number' }, hasData(measure, row.measures) ? format(measure, value) : '—');
        cell.dataset.measure = name;
        cell.dataset.value = exact(measure, value);
        tr.append(cell);
      }
      body.append(tr);
    }
  }

  /** Every window of the range (so empty ones show as gaps), plus any the node reported. */
  function windowsOf(request, rows) {
    const starts = new Set();
    const end = Date.parse(request.endTime);
    let at = alignDown(new Date(request.startTime), request.period);
    for (let i = 0; at.getTime() < end && i < 1000; i++) {
      starts.add(at.getTime());
      at = next(at, request.period);
    }
    for (const row of rows) starts.add(Date.parse(row.windowStart));
    return [...starts].sort((a, b) => a - b);
  }

  function alignDown(date, period) {
    if (period === 'PERIOD_HOUR') return new Date(Math.floor(date.getTime() / 3600000) * 3600000);
    if (period === 'PERIOD_MONTH') return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
    return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
  }

  function next(date, period) {
    if (period === 'PERIOD_HOUR') return new Date(date.getTime() + 3600000);
    if (period === 'PERIOD_MONTH') return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
    return new Date(date.getTime() + DAY_MS);
  }

  function windowLabel(ms, period) {
    const iso = new Date(ms).toISOString();
    if (period === 'hour' || period === 'PERIOD_HOUR') return iso.slice(5, 10) + ' ' + iso.slice(11, 16);
    if (period === 'month' || period === 'PERIOD_MONTH') return iso.slice(0, 7);
    return iso.slice(0, 10);
  }

  function groupsOf(rows) {
    const groups = [...new Set(rows.map((row) => row.group || ''))];
    return groups.sort();
  }

  function renderCharts(windows, groups, rows, period) {
    const byKey = new Map(rows.map((row) => [Date.parse(row.windowStart) + '|' + (row.group || ''), row.measures || {}]));
    const measuresAt = (ms, group) => byKey.get(ms + '|' + group) || null;
    const series = (groups.length ? groups : ['']).map((group, i) => ({
      group,
      label: group || 'All declarations',
      color: PALETTE[i % PALETTE.length],
    }));
    const grouped = series.length > 1 || series[0].group !== '';
    barChart($('chart-received'), {
      title: 'Declarations received per window',
      windows, series, period,
      value: (ms, s) => Number(raw(measuresAt(ms, s.group), 'declarations_received') ?? 0),
      exact: (ms, s) => exact(MEASURE_BY_NAME.get('declarations_received'), raw(measuresAt(ms, s.group), 'declarations_received')),
      format: formatCount,
    });
    lineChart($('chart-release-rate'), {
      title: 'Release rate per window (of decided declarations)',
      windows, series, period, max: 1,
      value: (ms, s) => pointOf(measuresAt(ms, s.group), 'release_rate'),
      format: formatShare,
    });
    lineChart($('chart-decision-time'), {
      title: 'Decision time per window, median',
      windows, series, period,
      value: (ms, s) => pointOf(measuresAt(ms, s.group), 'decision_time_median_seconds'),
      format: formatSeconds,
    });
    const legend = $('legend');
    if (grouped) {
      legend.append(element('span', { class: 'legend-title' }, 'Groups:'));
      for (const s of series) {
        const swatch = svg('svg', { width: '12', height: '12', 'aria-hidden': 'true', focusable: 'false' });
        swatch.append(svg('rect', { width: '12', height: '12', fill: s.color }));
        const item = element('span', { class: 'legend-item' }, [swatch, element('span', {}, ' ' + s.label)]);
        item.dataset.group = s.group;
        legend.append(item);
      }
    }
  }

  /** A line point: the measure's exact value, or null (a gap) when the window had no data for it. */
  function pointOf(measures, name) {
    const measure = MEASURE_BY_NAME.get(name);
    if (!measures || !hasData(measure, measures)) return null;
    return { y: Number(raw(measures, name) ?? 0), exact: exact(measure, raw(measures, name)) };
  }

  const CHART = { width: 640, height: 240, left: 64, right: 16, top: 12, bottom: 36 };
  let chartIds = 0;

  function chartFrame(figure, title, windows, maxY, format, period) {
    const id = `chart-${++chartIds}`;
    figure.append(element('figcaption', { id: id + '-caption' }, title));
    const root = svg('svg', {
      viewBox: `0 0 ${CHART.width} ${CHART.height}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      preserveAspectRatio: 'xMidYMid meet',
    });
    root.append(svg('title', { id: id + '-title' }, title));
    root.append(svg('desc', { id: id + '-desc' },
      `${windows.length} windows from ${windowLabel(windows[0], period)} to ${windowLabel(windows[windows.length - 1], period)}. `
      + 'The figures of every window are in the table "Per window" below.'));
    const plotWidth = CHART.width - CHART.left - CHART.right;
    const plotHeight = CHART.height - CHART.top - CHART.bottom;
    const y = (v) => CHART.top + plotHeight - (maxY > 0 ? (v / maxY) * plotHeight : 0);
    const slot = plotWidth / Math.max(windows.length, 1);
    const x = (i) => CHART.left + slot * i + slot / 2;
    const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
    for (let t = 0; t <= 4; t++) {
      const v = (maxY * t) / 4;
      axis.append(svg('line', { x1: CHART.left, x2: CHART.width - CHART.right, y1: y(v), y2: y(v), class: t === 0 ? 'baseline' : 'grid' }));
      axis.append(svg('text', { x: CHART.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
    }
    const every = Math.max(1, Math.ceil(windows.length / 8));
    windows.forEach((ms, i) => {
      if (i % every === 0) {
        axis.append(svg('text', { x: x(i), y: CHART.height - CHART.bottom + 16, 'text-anchor': 'middle' }, windowLabel(ms, period)));
      }
    });
    root.append(axis);
    figure.append(root);
    return { root, x, y, slot };
  }

  function barChart(figure, chart) {
    const totals = chart.windows.map((ms) => chart.series.reduce((sum, s) => sum + chart.value(ms, s), 0));
    const maxY = niceMax(Math.max(0, ...totals), true);
    const frame = chartFrame(figure, chart.title, chart.windows, maxY, chart.format, chart.period);
    const bars = svg('g', { class: 'bars' });
    const width = Math.max(1, frame.slot * 0.7);
    chart.windows.forEach((ms, i) => {
      let stacked = 0;
      for (const s of chart.series) {
        const value = chart.value(ms, s);
        if (value <= 0) continue;
        const top = frame.y(stacked + value);
        const bar = svg('rect', {
          x: frame.x(i) - width / 2, y: top, width, height: Math.max(0, frame.y(stacked) - top), fill: s.color,
        });
        bar.dataset.windowStart = new Date(ms).toISOString();
        bar.dataset.group = s.group;
        bar.dataset.value = chart.exact(ms, s);
        bar.append(svg('title', {}, `${windowLabel(ms, chart.period)}${s.group ? ' ' + s.group : ''}: ${chart.format(value)}`));
        bars.append(bar);
        stacked += value;
      }
    });
    frame.root.append(bars);
    if (totals.every((t) => t === 0)) noData(frame.root);
  }

  function lineChart(figure, chart) {
    const points = chart.series.map((s) => chart.windows.map((ms) => chart.value(ms, s)));
    const highest = Math.max(0, ...points.flat().filter(Boolean).map((p) => p.y));
    const maxY = chart.max ?? niceMax(highest, false);
    const frame = chartFrame(figure, chart.title, chart.windows, maxY, chart.format, chart.period);
    chart.series.forEach((s, k) => {
      const line = svg('g', { class: 'series' });
      line.dataset.group = s.group;
      let segment = [];
      const flush = () => {
        if (segment.length > 1) {
          line.append(svg('polyline', { points: segment.join(' '), fill: 'none', stroke: s.color, 'stroke-width': '2' }));
        }
        segment = [];
      };
      points[k].forEach((point, i) => {
        if (point === null) {
          flush();
          return;
        }
        const px = frame.x(i);
        const py = frame.y(Math.min(point.y, maxY));
        segment.push(`${px.toFixed(1)},${py.toFixed(1)}`);
        const dot = svg('circle', { cx: px, cy: py, r: '3', fill: s.color });
        dot.dataset.windowStart = new Date(chart.windows[i]).toISOString();
        dot.dataset.group = s.group;
        dot.dataset.value = point.exact;
        dot.append(svg('title', {}, `${windowLabel(chart.windows[i], chart.period)}${s.group ? ' ' + s.group : ''}: ${chart.format(point.y)}`));
        line.append(dot);
      });
      flush();
      frame.root.append(line);
    });
    if (points.flat().every((p) => p === null)) noData(frame.root);
  }

  function noData(root) {
    root.append(svg('text', { x: CHART.width / 2, y: CHART.height / 2, 'text-anchor': 'middle', class: 'no-data' }, 'No data in this range'));
  }

  /** A round upper bound for an axis: 1, 2 or 5 times a power of ten (whole numbers for counts). */
  function niceMax(value, whole) {
    if (!(value > 0)) return whole ? 4 : 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) {
      const candidate = step * power;
      if (candidate >= value) return whole ? Math.max(4, Math.ceil(candidate / 4) * 4) : candidate;
    }
    return value;
  }

  // ---- DOM helpers -----------------------------------------------------------------------

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    append(node, children);
    return node;
  }

  function svg(tag, attributes, children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) return;
    for (const child of Array.isArray(children) ? children : [children]) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }

  // ---- start -----------------------------------------------------------------------------

  function fillForm(query) {
    $('officer').value = query.officer;
    $('period').value = query.period;
    $('from').value = query.from;
    $('to').value = query.to;
    $('group-by').value = query.groupBy;
  }

  function start() {
    const query = readQuery(window.location.search);
    fillForm(query);
    $('controls').addEventListener('submit', (event) => {
      event.preventDefault();
      const form = new FormData($('controls'));
      const search = new URLSearchParams();
      for (const [name, value] of form.entries()) search.set(name, String(value));
      const chosen = readQuery('?' + search.toString());
      fillForm(chosen);
      window.history.replaceState(null, '', window.location.pathname + toQueryString(chosen));
      load(chosen);
    });
    load(query);
  }

  start();
})();
