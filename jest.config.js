/** Unit, contract and bot tests. Browser tests live in jest.e2e.config.js. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/test/e2e/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // @pnp/* ships ESM only; swc turns it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!@pnp/)'],
  testTimeout: 30000,
};
