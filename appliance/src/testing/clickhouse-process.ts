// The test server lives with the ClickHouse store (the control plane's benchmark starts it too).
export { ClickHouseProcess, type ClickHouseShard } from '@flowprobe/controlplane';
