/** The manager's screens, in one chunk loaded on demand (it carries the chart library). */
export { Dashboard } from '../screens/Dashboard.jsx';
export { DeliveryBuilding, DeliveryOverview } from '../screens/Delivery.jsx';
export { ProjectDefects } from '../screens/ProjectDefects.jsx';
