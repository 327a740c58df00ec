/** The console's entry (index.html): its stylesheet, and every element registered once. */
import './styles/console.css';
import { ConsoleApp } from './console-app.js';
import { define } from './internal/light-element.js';
import { CampaignsPage } from './pages/campaigns-page.js';
import { CountChart } from './pages/count-chart.js';
import { EditPage } from './pages/edit-page.js';
import { EmbedPage } from './pages/embed-page.js';
import { ReviewPage } from './pages/review-page.js';
import { ErasurePage } from './pages/erasure-page.js';
import { ExportPage } from './pages/export-page.js';
import { LoginPage } from './pages/login-page.js';
import { OverviewPage } from './pages/overview-page.js';

define('count-chart', CountChart);
define('login-page', LoginPage);
define('campaigns-page', CampaignsPage);
define('overview-page', OverviewPage);
define('edit-page', EditPage);
define('embed-page', EmbedPage);
define('export-page', ExportPage);
define('erasure-page', ErasurePage);
define('review-page', ReviewPage);
define('console-app', ConsoleApp);
