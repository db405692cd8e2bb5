declare module 'jstat' {
  const jStat: {
    chisquare: { cdf(x: number, dof: number): number };
    mean(xs: number[]): number;
    stdev(xs: number[], sample?: boolean): number;
    [key: string]: any;
  };
  export default jStat;
  export { jStat };
}
