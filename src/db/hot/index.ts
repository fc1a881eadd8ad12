// The hot path's one surface: the click batch's statement and its connection, the
// postback batch's direct statements and transaction, the SQLite transaction gate
// and prepared statements, PostgreSQL's named statements. Everything outside
// src/db/hot reaches these through this file only; the private adapter fields
// they touch are pinned by tests/db/adapter-contract.test.ts.
export { insertClickEvents, UNIQUE_WINDOW_MS, type ClickEventRow, type HotStatementRunner, type PartnerSubids } from './click-store.ts'
export { directSql, TransactionTimeout, type DirectSql, type SqlRunner } from './direct-sql.ts'
export { jsonRowsSelect, jsonRowsSelectText, msOf, type JsonColumn, type JsonColumnType, type JsonValue } from './json-rows.ts'
export { keepConnection, type KeptConnectionFactory } from './kept-connection.ts'
export { nameOf, namedStatement, statementName } from './named-statements.ts'
export { HOT_CLIENT_NAME, pgHotClient, type HotClient, type HotClientOptions } from './pg-hot-client.ts'
export { keepStatementsPrepared, type PreparedRunner } from './sqlite-prepared.ts'
export { TransactionGatedAdapter, type GateOptions } from './transaction-gate.ts'
