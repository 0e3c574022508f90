// Global test setup: starts the services the suite needs (filled in as connectors arrive).
export default function setup(): void {}
