/** Time is a port: every date the product records or computes comes from here. */
export interface Clock {
  now(): Date;
}
