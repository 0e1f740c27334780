// Test helpers for this package and its consumers (never imported by production code).
export { createTestServices, type TestServicesOptions } from "./services.js";
export { startTestSmtpServer, type TestSmtpServer } from "./smtp.js";
export { startFakeOpenAI, type FakeBehaviour, type FakeModelsBehaviour, type FakeOpenAI } from "./fake-openai.js";
