// The edge-drawing extension ships no type declarations; it is registered with
// `cytoscape.use` and configured through untyped options.
declare module 'cytoscape-edgehandles' {
  const ext: cytoscape.Ext;
  export default ext;
}
