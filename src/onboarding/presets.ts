// Presets: how each affiliate platform sends its postbacks, from its own
// documentation (sources cited per preset). A preset gives the sub-id parameter
// of the platform's links, the postback it fires (our parameters, each holding the
// platform's own macro, or a fixed value where the platform has no macro), its
// body shape (GET query, POST form, POST JSON read through a field map), its status
// words (merged over the defaults when the network is read), how it deduplicates
// and, where documented, its decimal separator. Where a macro could not be checked
// in the platform's own docs, the preset's note says so: never a guessed macro
// without that warning.
//
// Platforms that can only send one fixed status (they fire on approval, or have no
// status macro) get their reversals through the CSV import of conversion updates
// (POST /admin/api/networks/:slug/conversions/import), which a later issue builds.
import type { StoredFieldMap } from '../postbacks/params.ts'
import type { ConversionStatus } from '../postbacks/status-words.ts'

export const NETWORK_PRESETS = [
  'generic',
  'keitaro',
  'everflow',
  'tune',
  'cake',
  'impact',
  'awin',
  'binom',
  'voluum',
  'redtrack',
  'cj',
  'rakuten',
  'partnerstack',
] as const
export type NetworkPreset = (typeof NETWORK_PRESETS)[number]

/** Our postback fields a preset fills in the URL we generate. */
export type PresetValues = Partial<Record<'subid' | 'amount' | 'currency' | 'status' | 'txn_id', string>>

export interface PresetSpec {
  label: string
  /** The sub-id parameter on this platform's tracking links. */
  subidParam: string
  /** How the platform calls us: GET with macros in the URL, POST with a body, or not at all. */
  method: 'GET' | 'POST' | 'none'
  /** The body: none (GET query), a form, JSON, or a form field carrying JSON. */
  body: 'query' | 'form' | 'json' | 'form-json' | 'none'
  /** Our parameter → the platform's macro, or a fixed value (see fixedStatus), in the URL we give. */
  values: PresetValues
  /** Parameters the platform requires in its URL besides ours (ignored by us). */
  extra?: Record<string, string>
  /** The status is a fixed word in the URL: the platform cannot tell us about later changes. */
  fixedStatus: boolean
  /** Status words of this platform beyond the defaults (a network's own words still win). */
  statusWords?: Record<string, ConversionStatus>
  /** Where our fields are in the platform's body, when it cannot use our names. */
  fieldMap?: StoredFieldMap
  /** "click" when the platform sends no transaction id: one conversion per click. */
  dedupeBy: 'txn' | 'click'
  /** Decimal separator the platform documents, if it does. */
  decimalSeparator?: '.' | ','
  /** A GET URL the platform can use instead of its body shape (our parameters with its macros). */
  alternativeGet?: PresetValues
  note: string
  /** The documentation this preset was checked against. */
  sources: string[]
}

export const PRESETS: Readonly<Record<NetworkPreset, PresetSpec>> = {
  generic: {
    label: 'Generic',
    subidParam: 'subid',
    method: 'GET',
    body: 'query',
    values: { subid: '{subid}', amount: '{payout}', currency: '{currency}', status: '{status}', txn_id: '{transaction_id}' },
    fixedStatus: false,
    dedupeBy: 'txn',
    note: "Replace each {macro} with the network's own macro for that value.",
    sources: [],
  },

  // Keitaro (tracker; we are its traffic source). docs.keitaro.io "S2S postback
  // placeholders" (https://docs.keitaro.io/en/campaigns-and-streams/s2s-postback-placeholders.html):
  // {external_id} "External ID that is received from traffic source" (ours), {subid}
  // is Keitaro's own click id, {tid} Transaction ID, {revenue} conversion revenue,
  // {status}. Statuses lead, sale, rejected, rebill (docs.keitaro.io "Postback",
  // https://docs.keitaro.io/en/conversions/postback.html); a conversion moves
  // lead → sale → rejected and is re-sent at each move. {currency} appears only in
  // Keitaro's blog (https://blog.keitaro.io/en/keitaro-s2s-postbacks/), not in the
  // placeholder reference: left out.
  keitaro: {
    label: 'Keitaro',
    subidParam: 'external_id',
    method: 'GET',
    body: 'query',
    values: { subid: '{external_id}', amount: '{revenue}', status: '{status}', txn_id: '{tid}' },
    fixedStatus: false,
    statusWords: { lead: 'pending', sale: 'confirmed', rejected: 'rejected', rebill: 'confirmed', trash: 'rejected' },
    dedupeBy: 'txn',
    note:
      "Keitaro's {subid} is Keitaro's own click id: ours comes back in {external_id} (set the source's External ID parameter to external_id). " +
      'Keitaro re-sends a conversion on each status change (lead, sale, rejected, rebill) with the same {tid}; a rebill needs its own {tid}. ' +
      "{currency} is listed only in Keitaro's blog, not verified against Keitaro's placeholder reference: the network's default currency applies.",
    sources: [
      'https://docs.keitaro.io/en/campaigns-and-streams/s2s-postback-placeholders.html',
      'https://docs.keitaro.io/en/conversions/postback.html',
    ],
  },

  // Everflow (partner postback). helpdesk.everflow.io "A Guide to Parameters and
  // Macros" (https://helpdesk.everflow.io/en/articles/6173403-a-guide-to-parameters-and-macros):
  // macros in braces, inbound sub1…sub5 returned as {sub1}…; {transaction_id} is
  // Everflow's click id ("Accessing & Editing S2S Postback URLs",
  // https://helpdesk.everflow.io/customer/accessing-editing-s2s-postback-urls).
  // {payout_amount}: third-party lists only (mrpostback.com/everflow). No status
  // macro: partner postbacks fire on conversion or event (developers.everflow.io
  // "Create Partner Postback", pixel_type conversion|event). Currency macro not found.
  everflow: {
    label: 'Everflow',
    subidParam: 'sub1',
    method: 'GET',
    body: 'query',
    values: { subid: '{sub1}', amount: '{payout_amount}', status: 'approved', txn_id: '{transaction_id}' },
    fixedStatus: true,
    dedupeBy: 'txn',
    note:
      'Partner postback, fired when a conversion is recorded; Everflow has no status macro, so the status is the fixed word "approved". ' +
      "{transaction_id} is the click id: an offer with several events per click needs {event_id} added to txn_id (not verified against Everflow's macro table). " +
      "{payout_amount} is not verified against Everflow's own macro table (third-party lists only). No currency macro: the network's default currency applies.",
    sources: [
      'https://helpdesk.everflow.io/en/articles/6173403-a-guide-to-parameters-and-macros',
      'https://helpdesk.everflow.io/customer/accessing-editing-s2s-postback-urls',
      'https://developers.everflow.io/api-reference/post-networkspixels',
    ],
  },

  // TUNE / HasOffers (partner conversion URL). support.tune.com "Partner Sub IDs and
  // Macros" (https://support.tune.com/hc/en-us/articles/1500008230302): aff_sub…aff_sub5
  // on links; developers.tune.com OfferUrl model: {aff_sub} is replaced by the
  // Affiliate Sub ID. {transaction_id}: the session id (support.tune.com
  // "Receiving Conversions via Postback URL", article 4413247665431). {payout}:
  // docs.tracklysms.com TUNE guide. No verified status or currency macro.
  tune: {
    label: 'TUNE / HasOffers',
    subidParam: 'aff_sub',
    method: 'GET',
    body: 'query',
    values: { subid: '{aff_sub}', amount: '{payout}', status: 'approved', txn_id: '{transaction_id}' },
    fixedStatus: true,
    dedupeBy: 'txn',
    note:
      'Partner conversion URL (global postback), fired on approved conversions: the status is the fixed word "approved". ' +
      "No currency macro verified in TUNE's docs: set the network's default currency to your TUNE network's payout currency. " +
      '{transaction_id} is the session (click) id: with several goals per click, add the goal to txn_id.',
    sources: [
      'https://support.tune.com/hc/en-us/articles/1500008230302-Partner-Sub-IDs-and-Macros',
      'https://developers.tune.com/network-models/offerurl',
      'https://support.tune.com/hc/en-us/articles/4413247665431',
    ],
  },

  // CAKE (affiliate postback, #token# syntax). support.getcake.com "tokens …
  // Affiliate or third party pixel" (https://support.getcake.com/support/solutions/articles/5000545788):
  // s2 is the slot for click ids (s1 is reserved for sub-affiliates), #leadid# the
  // conversion id CAKE assigns, #price# the price; no currency or status token.
  cake: {
    label: 'CAKE',
    subidParam: 's2',
    method: 'GET',
    body: 'query',
    values: { subid: '#s2#', amount: '#price#', status: 'approved', txn_id: '#leadid#' },
    fixedStatus: true,
    dedupeBy: 'txn',
    note: 'Affiliate postback with CAKE #tokens#. CAKE has no status or currency token: the status is the fixed word "approved" and the network\'s default currency applies.',
    sources: [
      'https://support.getcake.com/support/solutions/articles/5000545788',
      'https://support.getcake.com/en/support/solutions/articles/5000546096',
    ],
  },

  // Impact (partner action postbacks). help.impact.com "Enable Action Clearing
  // Events Notification" (https://help.impact.com/en/support/solutions/articles/155000000882):
  // {ActionId}, {Status}, {Payout}, {DeltaPayout}, {Currency}; lifecycle: Pending →
  // Approved, or Reversed (https://help.impact.com/en/support/solutions/articles/48001238345);
  // global-level lifecycle postbacks fire on tracked, modified and reversed actions
  // (https://help.impact.com/en/support/solutions/articles/48001237354). Sub-id
  // links: subId1 (https://help.impact.com/support/solutions/articles/48001235417).
  // Payouts are Decimal(8.2) in Impact's file spec: "." decimals.
  impact: {
    label: 'Impact',
    subidParam: 'subId1',
    method: 'GET',
    body: 'query',
    values: { subid: '{SubId1}', amount: '{Payout}', currency: '{Currency}', status: '{Status}', txn_id: '{ActionId}' },
    fixedStatus: false,
    dedupeBy: 'txn',
    decimalSeparator: '.',
    note:
      'Global-level action lifecycle postback (event-level postbacks skip modifications and reversals): Impact sends PENDING, APPROVED and REVERSED, ' +
      "and re-sends an action with a new {Payout} when it is modified. The casing of {SubId1} is from third-party guides, not verified against Impact's macro list.",
    sources: [
      'https://help.impact.com/en/support/solutions/articles/155000000882',
      'https://help.impact.com/en/support/solutions/articles/48001238345',
      'https://help.impact.com/en/support/solutions/articles/48001237354',
      'https://help.impact.com/support/solutions/articles/48001235417',
    ],
  },

  // Awin (publisher transaction notifications). Links: clickref…clickref6, lower
  // case (wiki.awin.com "Publisher Click Ref"). developer.awin.com "Request Types"
  // (https://developer.awin.com/docs/request-types): case-sensitive !!!macros!!!
  // (!!!clickRef!!!, !!!transactionId!!!, !!!commission!!!, !!!transactionCurrency!!!);
  // a POST sends a form field AwinTransactionPush holding the transaction as JSON,
  // all values strings with "." decimals. No status: a notification is sent when a
  // transaction is recorded (https://developer.awin.com/transaction-notifications),
  // so it is a new, pending transaction; approvals and declines come from Awin's
  // transactions report.
  awin: {
    label: 'Awin',
    subidParam: 'clickref',
    method: 'POST',
    body: 'form-json',
    values: { status: 'pending' },
    fixedStatus: true,
    fieldMap: {
      subid: 'AwinTransactionPush#/clickRef',
      txn_id: 'AwinTransactionPush#/transactionId',
      amount: 'AwinTransactionPush#/commission',
      currency: 'AwinTransactionPush#/transactionCurrency',
    },
    dedupeBy: 'txn',
    decimalSeparator: '.',
    alternativeGet: {
      subid: '!!!clickRef!!!',
      amount: '!!!commission!!!',
      currency: '!!!transactionCurrency!!!',
      status: 'pending',
      txn_id: '!!!transactionId!!!',
    },
    note:
      "Toolbox › Transaction Notifications, POST: Awin posts the form field AwinTransactionPush (JSON), read through this network's field map. " +
      'Awin sends no status: each notification books a pending conversion. The commission is taken in !!!transactionCurrency!!! ' +
      "(that the commission is in the transaction's currency is not verified against Awin's docs).",
    sources: [
      'http://wiki.awin.com/index.php/Publisher_Click_Ref',
      'https://developer.awin.com/docs/request-types',
      'https://developer.awin.com/transaction-notifications',
    ],
  },

  // Binom (tracker; we are its traffic source). docs.binom.org "Traffic source
  // postback" (https://docs.binom.org/conv-to-source.php): {externalid} is the
  // traffic source's click id (ours), {cnv_status}/{cnv_status2} the conversion's
  // status as the offer's network sent it (free text: "approve, reject", "Hold"),
  // {cnv_currency} its currency; {clickid} is Binom's own. {payout}: from Binom's
  // own traffic-source templates (…?cid={externalid}&payout={payout}); the token
  // table was not readable in full. No conversion id token.
  binom: {
    label: 'Binom',
    subidParam: 'externalid',
    method: 'GET',
    body: 'query',
    values: { subid: '{externalid}', amount: '{payout}', currency: '{cnv_currency}', status: '{cnv_status}' },
    fixedStatus: false,
    statusWords: { reject: 'rejected' },
    dedupeBy: 'click',
    note:
      "Set the traffic source's External ID parameter to externalid. Binom sends no conversion id: one conversion per click. " +
      '{cnv_status} is whatever the offer network told Binom (approve, reject, Hold…): map any other word with statusWords; ' +
      "an empty {cnv_status} is refused as a missing status. {payout} is not verified against Binom's token table.",
    sources: [
      'https://docs.binom.org/conv-to-source.php',
      'https://docs.binom.org/create-source-v2.php',
      'https://docs.binom.org/postback-url.php',
    ],
  },

  // Voluum (tracker; we are its traffic source). doc.voluum.com "Traffic Source
  // Postback URL" (https://doc.voluum.com/en/traffic_source_postback_url.html):
  // click ids from the source are recorded as external ids and returned by the
  // {externalid} token; the postback is "performed when a conversion has been
  // successfully registered" (GET or POST). The table of other tokens was not
  // readable: {payout} is not verified.
  voluum: {
    label: 'Voluum',
    subidParam: 'externalid',
    method: 'GET',
    body: 'query',
    values: { subid: '{externalid}', amount: '{payout}', status: 'approved' },
    fixedStatus: true,
    dedupeBy: 'click',
    note:
      "Set the traffic source's External ID parameter to externalid. Voluum fires when a conversion is registered and sends no transaction id: " +
      'one conversion per click, fixed status "approved". {payout} is not verified against Voluum\'s token table; no currency token: the network\'s default currency applies.',
    sources: ['https://doc.voluum.com/en/traffic_source_postback_url.html'],
  },

  // RedTrack (tracker; we are a traffic channel). Only RedTrack's incoming postback
  // (clickid, sum, type) is documented in what could be read
  // (https://help.redtrack.io/knowledgebase/kb/basic-setup-9785/supported-dynamic-parameters/);
  // the macros of its outgoing traffic-channel postback were not: no macro is
  // guessed here, the operator puts RedTrack's own.
  redtrack: {
    label: 'RedTrack',
    subidParam: 'subid',
    method: 'GET',
    body: 'query',
    values: { subid: 'REPLACE_CLICK_ID_MACRO', amount: 'REPLACE_PAYOUT_MACRO', status: 'approved' },
    fixedStatus: true,
    dedupeBy: 'click',
    note:
      "RedTrack's traffic-channel macros are not verified against RedTrack's docs: replace REPLACE_CLICK_ID_MACRO with the macro RedTrack's channel " +
      'template uses for the click id it received from us, and REPLACE_PAYOUT_MACRO with its payout macro. Fixed status "approved", one conversion per click.',
    sources: ['https://help.redtrack.io/knowledgebase/kb/basic-setup-9785/supported-dynamic-parameters/'],
  },

  // CJ (Commission Junction). No publisher postback: CJ's only push surface is
  // product-catalog GraphQL subscriptions; publishers pull commissions
  // (Commission Detail API, GraphQL publisherCommissions: commissionId,
  // actionStatus new | extended | locked | closed, pubCommissionAmountPubCurrency
  // as a decimal string, corrections as records with original=false). Links: sid.
  cj: {
    label: 'CJ',
    subidParam: 'sid',
    method: 'none',
    body: 'none',
    values: {},
    fixedStatus: true,
    statusWords: { new: 'pending', extended: 'pending', locked: 'confirmed', closed: 'confirmed' },
    dedupeBy: 'txn',
    decimalSeparator: '.',
    note:
      'CJ has no publisher postback: its commissions, corrections and reversals come from the commission report, through the CSV import. ' +
      "CJ's action statuses new and extended read as pending, locked and closed as confirmed.",
    sources: [
      "https://github.com/api-evangelist/cj-affiliate (graphql/cj-affiliate-commissions-schema.graphql, from CJ's introspection)",
      'https://docs.cj.com/docs/s2s-implementation',
    ],
  },

  // Rakuten Advertising (Postback API, beta). pubhelp.rakutenadvertising.com
  // "Postback API" (https://pubhelp.rakutenadvertising.com/hc/en-us/articles/5949881570317):
  // a GET with <field> placeholders, is_event=<is_event> required, "not for
  // accounting". Links: u1, up to 72 alphanumerics ("Signature Implementation
  // Guidelines", article 10035508493709). One record per SKU (etransaction_id).
  // The placeholders <u1>, <etransaction_id>, <commissions>, <currency> follow the
  // documented pattern but the field table was not readable.
  rakuten: {
    label: 'Rakuten Advertising',
    subidParam: 'u1',
    method: 'GET',
    body: 'query',
    values: { subid: '<u1>', amount: '<commissions>', currency: '<currency>', status: 'pending', txn_id: '<etransaction_id>' },
    extra: { is_event: '<is_event>' },
    fixedStatus: true,
    dedupeBy: 'txn',
    note:
      'Rakuten pushes each transaction event as it is processed, one per SKU (<etransaction_id>), with no status: each books a pending conversion. ' +
      "Rakuten advises against using it for accounting. <u1>, <etransaction_id>, <commissions> and <currency> follow Rakuten's <field> pattern " +
      'but are not verified against its field table. Use the separator _ or - if your links refuse ":" (u1 takes letters and digits).',
    sources: [
      'https://pubhelp.rakutenadvertising.com/hc/en-us/articles/5949881570317-Postback-API',
      'https://pubhelp.rakutenadvertising.com/hc/en-us/articles/10035508493709',
    ],
  },

  // PartnerStack (partner postbacks). docs.partnerstack.com "Postbacks"
  // (https://docs.partnerstack.com/docs/postbacks): an HTTP POST of JSON
  // {"event": …, "data": {…}} to the endpoint URL. Links: sid (≤255,
  // support.partnerstack.com article 360044949774). The fields inside data are from
  // real reward payloads captured by an open-source receiver (data.key rwrd_…,
  // data.amount in cents, data.currency, data.customer.sub_ids, data.reward_status
  // "scheduled"), not from PartnerStack's docs.
  partnerstack: {
    label: 'PartnerStack',
    subidParam: 'sid',
    method: 'POST',
    body: 'json',
    values: {},
    fixedStatus: false,
    fieldMap: {
      subid: '/data/customer/sub_ids/0',
      txn_id: '/data/key',
      amount: '/data/amount',
      currency: '/data/currency',
      status: '/data/reward_status',
      amountUnit: 'cents',
    },
    statusWords: { scheduled: 'pending' },
    dedupeBy: 'txn',
    note:
      "Settings › Postbacks: subscribe this endpoint to reward events only. The JSON is read through this network's field map; the amount is in cents. " +
      "The fields inside data are from real reward payloads, not verified against PartnerStack's docs; reward statuses other than scheduled, paid or declined need statusWords.",
    sources: ['https://docs.partnerstack.com/docs/postbacks', 'https://support.partnerstack.com/hc/en-us/articles/360044949774'],
  },
}

export function isPreset(value: string): value is NetworkPreset {
  return (NETWORK_PRESETS as readonly string[]).includes(value)
}

export function presetOf(name: string): PresetSpec {
  return PRESETS[isPreset(name) ? name : 'generic']
}
