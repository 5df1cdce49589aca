// class-transformer keeps its metadata (which class a nested property holds) in a module it does
// not type; class-validator-jsonschema reads it to follow nested inputs.
declare module 'class-transformer/cjs/storage.js' {
  export const defaultMetadataStorage: unknown;
}
