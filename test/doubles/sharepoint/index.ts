export { startSharePointDouble, type FaultRule, type RecordedRequest, type SharePointDouble, type SharePointDoubleOptions } from './sharepoint-double';
export { Site, etagOf, type Item, type List } from './site';
