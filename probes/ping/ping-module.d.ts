// The `ping` package (fallback only, when fping is missing) ships no types; ping/index.ts narrows what it uses.
declare module 'ping';
