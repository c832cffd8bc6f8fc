/** lawful's version, written into every saved model and results.json. Kept equal to package.json by a test. */
export const LAWFUL_VERSION = '0.1.0';
