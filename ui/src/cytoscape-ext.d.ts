// The layout and edge-drawing extensions ship no type declarations; they are registered
// with `cytoscape.use` and configured through untyped options.
declare module 'cytoscape-dagre' {
  const ext: cytoscape.Ext;
  export default ext;
}
declare module 'cytoscape-edgehandles' {
  const ext: cytoscape.Ext;
  export default ext;
}
