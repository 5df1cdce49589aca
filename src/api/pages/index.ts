export { PagesController } from './pages.controller.js';
