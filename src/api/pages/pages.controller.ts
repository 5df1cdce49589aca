import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { CSR_HTML, CUSTOMER_HTML, TANDEM_RTC_JS } from './pages.content.js';

/**
 * The two WebRTC pages of a desktop share: `/pages/csr.html` (shows the customer's screen) and
 * `/pages/customer.html` (sends it). Public: they hold no data; the token in their URL
 * authenticates what their script does (ice-servers, /signalling).
 */
@ApiExcludeController()
@Controller('pages')
export class PagesController {
  @Public()
  @Get('csr.html')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  csr(): string {
    return CSR_HTML;
  }

  @Public()
  @Get('customer.html')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  customer(): string {
    return CUSTOMER_HTML;
  }

  @Public()
  @Get('tandem-rtc.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-store')
  script(): string {
    return TANDEM_RTC_JS;
  }
}
