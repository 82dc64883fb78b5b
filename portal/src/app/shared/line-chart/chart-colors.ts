/** Series colours, distinguishable for common colour blindness (Okabe–Ito based). */
export const CHART_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7f7f7f', '#f0e442', '#332288', '#88ccee'];

/** Traffic direction colours: download (remote -> local) blue, upload (local -> remote) orange, total grey. */
export const DIRECTION_COLORS = { download: '#0072b2', upload: '#e69f00', total: '#7f7f7f' } as const;
