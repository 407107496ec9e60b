// net-snmp ships no types and @types/net-snmp lags the API we use (Counter64 buffers, v3 options): this module
// is only touched from session.ts, which narrows everything it returns into our own Varbind type.
declare module 'net-snmp';
