/** The manager's screens, in one chunk loaded on demand (it carries the chart library). */
export { Calendar } from '../screens/Calendar.jsx';
export { Dashboard } from '../screens/Dashboard.jsx';
export { DeliveryBuilding, DeliveryOverview } from '../screens/Delivery.jsx';
export { ProjectDefects } from '../screens/ProjectDefects.jsx';
